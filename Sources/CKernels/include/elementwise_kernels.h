#ifndef LATENT_ELEMENTWISE_KERNELS_H
#define LATENT_ELEMENTWISE_KERNELS_H

#include <stdint.h>

/// Elementwise kernels compiled for several instruction sets and chosen once, at the first call,
/// by what the CPU supports: the portable build runs at the CPU's vector width without being
/// compiled for one CPU. LATENT_ELEMENTWISE_ISA=baseline|avx2|avx512 forces a variant (a variant
/// the CPU cannot run is refused and the best one kept, with a line on stderr).

typedef enum {
    LATENT_ISA_BASELINE = 0,  // x86-64's SSE2, or the build's own target elsewhere
    LATENT_ISA_AVX2 = 1,      // AVX2 and FMA
    LATENT_ISA_AVX512 = 2,    // AVX-512 F, DQ, BW, VL
} latent_isa;

/// The variant in use.
latent_isa latent_elementwise_isa(void);

/// y[i] = f(x[i]) for i < n; x and y must not overlap.
void latent_exp(const float *x, float *y, long n);
void latent_sigmoid(const float *x, float *y, long n);
void latent_tanh(const float *x, float *y, long n);

/// x[i] = f(x[i]) for i < n.
void latent_sigmoid_in_place(float *x, long n);
void latent_tanh_in_place(float *x, long n);

/// The softmax of each column of a rows × columns block whose rows lie x_stride floats apart (the
/// classes of a channels-first image model's output are its rows, its positions the columns):
/// largest[j] = max_i x[i][j], exps[i][j] = e^(x[i][j] − largest[j]) (rows exps_stride floats
/// apart) and sum[j] = Σ_i exps[i][j]. A column whose largest value is not finite leaves its exps
/// and sum meaningless; the caller checks largest. x and exps must not overlap.
void latent_softmax_columns(const float *x, long x_stride, float *exps, long exps_stride, long rows, long columns,
                            float *largest, float *sum);

/// y[i] = the 16 bits of bf16 nearest x[i] (ties to even; a NaN stays a quiet NaN) for i < n: the
/// operands of GEMMs on bf16 kernels. x and y must not overlap.
void latent_bf16_bits(const float *x, uint16_t *y, long n);

#endif
