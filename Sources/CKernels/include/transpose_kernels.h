#ifndef LATENT_TRANSPOSE_KERNELS_H
#define LATENT_TRANSPOSE_KERNELS_H

/// The transpose of a rows × columns block of floats: destination[j·destination_stride + i] =
/// source[i·source_stride + j] for i < rows, j < columns. Compiled for the same instruction sets as
/// the elementwise kernels and chosen with them (latent_elementwise_isa, LATENT_ELEMENTWISE_ISA):
/// whole tiles go through registers, 16 × 16 on AVX-512 (8 × 8 where a side is shorter than 16)
/// and 8 × 8 on AVX2; the baseline and the ragged edges copy tiles of 16 × 16 element by element,
/// so both their rows and columns stay in cache. The two blocks must not overlap.
void latent_transpose(const float *source, long source_stride, float *destination, long destination_stride,
                      long rows, long columns);

#endif
