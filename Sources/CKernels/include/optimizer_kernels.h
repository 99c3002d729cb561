#ifndef LATENT_OPTIMIZER_KERNELS_H
#define LATENT_OPTIMIZER_KERNELS_H

/// Adam's update, compiled for the same instruction sets as the elementwise kernels and chosen
/// with them (latent_elementwise_isa, LATENT_ELEMENTWISE_ISA). Every variant gives the bits of
/// the baseline one: no fused multiply-adds, and IEEE square roots and divisions throughout.
typedef struct {
    float beta1, beta2;
    /// (1 − β₁)·g and (1 − β₂)·g² weigh the new gradient into the moments.
    float one_minus_beta1, one_minus_beta2;
    /// Scales the raw gradient (1 / the loss's batch size, or 1).
    float gradient_scale;
    /// Coupled (L2) weight decay, added to the gradient: λ·p. Zero for AdamW.
    float l2;
    /// Decoupled (AdamW) weight decay as a factor on p: 1 − lr·λ. One for Adam.
    float shrink;
    /// lr / (1 − β₁ᵗ), and 1 / √(1 − β₂ᵗ): the bias corrections.
    float step_size, correction;
    float epsilon;
} latent_adam_constants;

/// One Adam step over n parameters, in place: p (parameters), m and v (first and second moments)
/// are updated from g (gradients). Moments below 1e-30 in magnitude are set to zero: they would
/// otherwise decay into subnormal numbers, which cost about a hundred cycles per operation.
void latent_adam_update(float *p, const float *g, float *m, float *v, long n, const latent_adam_constants *constants);

#endif
