#ifndef LATENT_LOGISTIC_MIXTURE_KERNELS_H
#define LATENT_LOGISTIC_MIXTURE_KERNELS_H

/// PixelCNN++'s discretized logistic mixture over the 256 levels of 8-bit values, one row at a
/// time, compiled for the same instruction sets as the elementwise kernels and chosen with them
/// (latent_elementwise_isa, LATENT_ELEMENTWISE_ISA).
///
/// parameters: 3·K·values floats, three blocks of K·values (mixture logits, means, log-scales),
/// component k of value d at k·values + d. data: `values` intensities p/255, each rounded to its
/// level p. Returns −Σ log P(value) over the row, in nats. When gradient is not NULL it receives
/// the gradient of that sum with respect to the parameters, in their layout. scratch holds
/// latent_logistic_mixture_scratch_floats(K) floats.
double latent_logistic_mixture_row(const float *parameters, const float *data, long values, long components, float *gradient,
                                   float *scratch);

/// The scratch floats latent_logistic_mixture_row needs for K components.
long latent_logistic_mixture_scratch_floats(long components);

#endif
