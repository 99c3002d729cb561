#include "elementwise_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fast_math.h"

// FP32 to bf16's 16 bits, rounded to nearest, ties to even; a NaN stays a (quiet) NaN. The same
// rounding as BFloat16Rounding.bits in Swift.
static inline uint16_t bf16_bits_of(float value) {
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    uint32_t rounded = bits + 0x7FFF + ((bits >> 16) & 1);
    uint32_t quiet = bits | 0x00400000;
    return (uint16_t)(((bits & 0x7FFFFFFF) > 0x7F800000 ? quiet : rounded) >> 16);
}

// One loop per function and variant. `restrict` on the out-of-place loops and a single pointer on
// the in-place ones, so the compiler needs no overlap check, which would send an in-place call to
// its scalar fallback.
#define LOOPS(suffix, attributes)                                                                        \
    attributes static void exp_##suffix(const float *restrict x, float *restrict y, long n) {           \
        for (long i = 0; i < n; i++) y[i] = exp_of(x[i]);                                                \
    }                                                                                                    \
    attributes static void sigmoid_##suffix(const float *restrict x, float *restrict y, long n) {       \
        for (long i = 0; i < n; i++) y[i] = sigmoid_of(x[i]);                                            \
    }                                                                                                    \
    attributes static void tanh_##suffix(const float *restrict x, float *restrict y, long n) {          \
        for (long i = 0; i < n; i++) y[i] = tanh_of(x[i]);                                               \
    }                                                                                                    \
    attributes static void sigmoid_in_place_##suffix(float *x, long n) {                                \
        for (long i = 0; i < n; i++) x[i] = sigmoid_of(x[i]);                                            \
    }                                                                                                    \
    attributes static void tanh_in_place_##suffix(float *x, long n) {                                   \
        for (long i = 0; i < n; i++) x[i] = tanh_of(x[i]);                                               \
    }                                                                                                    \
    attributes static void softmax_columns_##suffix(const float *restrict x, long x_stride,             \
                                                    float *restrict exps, long exps_stride, long rows,   \
                                                    long columns, float *restrict largest,               \
                                                    float *restrict sum) {                               \
        for (long j = 0; j < columns; j++) largest[j] = -INFINITY, sum[j] = 0;                           \
        for (long i = 0; i < rows; i++) {                                                                \
            const float *row = x + i * x_stride;                                                         \
            for (long j = 0; j < columns; j++) largest[j] = row[j] > largest[j] ? row[j] : largest[j];   \
        }                                                                                                \
        for (long i = 0; i < rows; i++) {                                                                \
            const float *row = x + i * x_stride;                                                         \
            float *out = exps + i * exps_stride;                                                         \
            for (long j = 0; j < columns; j++) {                                                         \
                float e = exp_of(row[j] - largest[j]);                                                   \
                out[j] = e;                                                                              \
                sum[j] += e;                                                                             \
            }                                                                                            \
        }                                                                                                \
    }                                                                                                    \
    attributes static void bf16_bits_##suffix(const float *restrict x, uint16_t *restrict y, long n) {  \
        for (long i = 0; i < n; i++) y[i] = bf16_bits_of(x[i]);                                          \
    }

LOOPS(baseline, )
#if defined(__x86_64__)
LOOPS(avx2, __attribute__((target("avx2,fma"))))
LOOPS(avx512, __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"), min_vector_width(512))))
#endif

typedef struct {
    latent_isa isa;
    void (*exp)(const float *, float *, long);
    void (*sigmoid)(const float *, float *, long);
    void (*tanh)(const float *, float *, long);
    void (*sigmoid_in_place)(float *, long);
    void (*tanh_in_place)(float *, long);
    void (*softmax_columns)(const float *, long, float *, long, long, long, float *, float *);
    void (*bf16_bits)(const float *, uint16_t *, long);
} kernel_table;

#define TABLE(value, suffix) \
    { value, exp_##suffix, sigmoid_##suffix, tanh_##suffix, sigmoid_in_place_##suffix, tanh_in_place_##suffix, \
      softmax_columns_##suffix, bf16_bits_##suffix }

static const kernel_table baseline_table = TABLE(LATENT_ISA_BASELINE, baseline);
#if defined(__x86_64__)
static const kernel_table avx2_table = TABLE(LATENT_ISA_AVX2, avx2);
static const kernel_table avx512_table = TABLE(LATENT_ISA_AVX512, avx512);
#endif

static int cpu_runs(latent_isa isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
    case LATENT_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
    case LATENT_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case LATENT_ISA_BASELINE: return 1;
    }
#endif
    return isa == LATENT_ISA_BASELINE;
}

static const kernel_table *table_for(latent_isa isa) {
#if defined(__x86_64__)
    if (isa == LATENT_ISA_AVX512) return &avx512_table;
    if (isa == LATENT_ISA_AVX2) return &avx2_table;
#endif
    return &baseline_table;
}

static const kernel_table *choose(void) {
    latent_isa best = cpu_runs(LATENT_ISA_AVX512) ? LATENT_ISA_AVX512
                      : cpu_runs(LATENT_ISA_AVX2) ? LATENT_ISA_AVX2 : LATENT_ISA_BASELINE;
    const char *forced = getenv("LATENT_ELEMENTWISE_ISA");
    if (forced == NULL || forced[0] == 0) return table_for(best);
    latent_isa wanted;
    if (strcmp(forced, "baseline") == 0) wanted = LATENT_ISA_BASELINE;
    else if (strcmp(forced, "avx2") == 0) wanted = LATENT_ISA_AVX2;
    else if (strcmp(forced, "avx512") == 0) wanted = LATENT_ISA_AVX512;
    else {
        fprintf(stderr, "LATENT_ELEMENTWISE_ISA=%s is not baseline, avx2 or avx512; using the CPU's best.\n", forced);
        return table_for(best);
    }
    if (!cpu_runs(wanted)) {
        fprintf(stderr, "LATENT_ELEMENTWISE_ISA=%s: this CPU cannot run it; using the CPU's best.\n", forced);
        return table_for(best);
    }
    return table_for(wanted);
}

// Chosen once; a race between two first calls only chooses the same table twice.
static const kernel_table *volatile chosen = NULL;

static const kernel_table *kernels(void) {
    const kernel_table *table = chosen;
    if (table == NULL) {
        table = choose();
        chosen = table;
    }
    return table;
}

latent_isa latent_elementwise_isa(void) { return kernels()->isa; }
void latent_exp(const float *x, float *y, long n) { kernels()->exp(x, y, n); }
void latent_sigmoid(const float *x, float *y, long n) { kernels()->sigmoid(x, y, n); }
void latent_tanh(const float *x, float *y, long n) { kernels()->tanh(x, y, n); }
void latent_sigmoid_in_place(float *x, long n) { kernels()->sigmoid_in_place(x, n); }
void latent_tanh_in_place(float *x, long n) { kernels()->tanh_in_place(x, n); }
void latent_softmax_columns(const float *x, long x_stride, float *exps, long exps_stride, long rows, long columns,
                            float *largest, float *sum) {
    kernels()->softmax_columns(x, x_stride, exps, exps_stride, rows, columns, largest, sum);
}
void latent_bf16_bits(const float *x, uint16_t *y, long n) { kernels()->bf16_bits(x, y, n); }
