#include "optimizer_kernels.h"
#include "elementwise_kernels.h"

// a·b + c stays a multiply and an add in every variant, so the AVX2 and AVX-512 code computes the
// bits of the baseline code (and of the Swift definition before it): a checkpoint does not depend
// on which variant trained it.
#pragma STDC FP_CONTRACT OFF

static inline __attribute__((always_inline)) void adam_one(float *restrict p, const float *restrict g, float *restrict m,
                                                           float *restrict v, long i, const latent_adam_constants c) {
    float parameter = p[i];
    float gradient = g[i] * c.gradient_scale + c.l2 * parameter;
    float mean = c.beta1 * m[i] + c.one_minus_beta1 * gradient;
    float square = c.beta2 * v[i] + c.one_minus_beta2 * (gradient * gradient);
    // A parameter whose gradient stays zero (a dead ReLU unit) has moments that decay
    // geometrically into the subnormal range, where every operation costs ~100 cycles: that once
    // tripled epoch times by the tenth epoch. Below 1e-30 they cannot change an update by more
    // than lr·1e-22, so they are set to zero.
    mean = (mean < 1e-30f && mean > -1e-30f) ? 0 : mean;
    square = square < 1e-30f ? 0 : square;
    // __builtin_elementwise_sqrt never sets errno, so it vectorizes without -fno-math-errno.
    p[i] = parameter * c.shrink - c.step_size * mean / (__builtin_elementwise_sqrt(square) * c.correction + c.epsilon);
    m[i] = mean;
    v[i] = square;
}

#define ADAM_LOOP(suffix, attributes)                                                                  \
    attributes static void adam_##suffix(float *restrict p, const float *restrict g, float *restrict m,   \
                                         float *restrict v, long n, const latent_adam_constants c) {      \
        for (long i = 0; i < n; i++) adam_one(p, g, m, v, i, c);                                          \
    }

ADAM_LOOP(baseline, )
#if defined(__x86_64__)
ADAM_LOOP(avx2, __attribute__((target("avx2,fma"))))
ADAM_LOOP(avx512, __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"), min_vector_width(512))))
#endif

void latent_adam_update(float *p, const float *g, float *m, float *v, long n, const latent_adam_constants *constants) {
    switch (latent_elementwise_isa()) {
#if defined(__x86_64__)
    case LATENT_ISA_AVX512: adam_avx512(p, g, m, v, n, *constants); return;
    case LATENT_ISA_AVX2: adam_avx2(p, g, m, v, n, *constants); return;
#endif
    default: adam_baseline(p, g, m, v, n, *constants); return;
    }
}
