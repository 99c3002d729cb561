// The machine's FP32 FMA peak, and where the CPU has AVX512_BF16 its bf16 dot-product peak beside
// it: independent chains of vfmadd231ps on the widest registers the compiler targets (AVX-512 with
// -march=native on CPUs that have it, else AVX2), then of vdpbf16ps (per 32-bit lane,
// acc += a0·b0 + a1·b1 over bf16 pairs: 4 flops) on 512-bit registers, on every OpenMP thread at
// once, so the figures are the ones with all cores busy. Twelve chains per thread cover the
// latency on two pipes. Prints GFLOP/s per thread and in total (median of 9 runs), and whether
// CPUID reports AMX, the other way CPUs run bf16 GEMMs.
//
//   gcc -O2 -march=native -fopenmp fma_peak.c -o /tmp/fma_peak
//   OMP_NUM_THREADS=2 /tmp/fma_peak; OMP_NUM_THREADS=1 /tmp/fma_peak
#include <cpuid.h>
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
#define SUM(v) _mm512_reduce_add_ps(v)
#define WIDTH "AVX-512 (512-bit)"
#else
typedef __m256 vec;
#define LANES 8
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float SUM(__m256 v) { float lanes[8]; _mm256_storeu_ps(lanes, v); float s = 0; for (int i = 0; i < 8; i++) s += lanes[i]; return s; }
#define WIDTH "AVX2 (256-bit)"
#endif

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

// Twelve chains of FP32 FMAs; returns their sum so the work is not optimized away.
static float fma_chains(long iterations) {
    vec a = SET1(0.999999f), b = SET1(1e-7f);
    vec c0 = SET1(1), c1 = SET1(2), c2 = SET1(3), c3 = SET1(4), c4 = SET1(5), c5 = SET1(6);
    vec c6 = SET1(7), c7 = SET1(8), c8 = SET1(9), c9 = SET1(10), c10 = SET1(11), c11 = SET1(12);
    for (long i = 0; i < iterations; i++) {
        c0 = FMA(c0, a, b); c1 = FMA(c1, a, b); c2 = FMA(c2, a, b); c3 = FMA(c3, a, b);
        c4 = FMA(c4, a, b); c5 = FMA(c5, a, b); c6 = FMA(c6, a, b); c7 = FMA(c7, a, b);
        c8 = FMA(c8, a, b); c9 = FMA(c9, a, b); c10 = FMA(c10, a, b); c11 = FMA(c11, a, b);
    }
    vec total = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
    return SUM(ADD(total, ADD(ADD(c8, c9), ADD(c10, c11))));
}

// Twelve chains of bf16 dot products, compiled for AVX512_BF16 whatever -march says.
#define DOT(c) c = _mm512_dpbf16_ps(c, a, b)
__attribute__((target("avx512f,avx512bf16"))) static float bf16_chains(long iterations) {
    __m512bh a = (__m512bh)_mm512_set1_epi16(0x3F80), b = (__m512bh)_mm512_set1_epi16(0x3400);   // 1.0, 2^-23
    // Distinct starting values, or the compiler merges the chains into one.
    __m512 c0 = _mm512_set1_ps(1), c1 = _mm512_set1_ps(2), c2 = _mm512_set1_ps(3), c3 = _mm512_set1_ps(4);
    __m512 c4 = _mm512_set1_ps(5), c5 = _mm512_set1_ps(6), c6 = _mm512_set1_ps(7), c7 = _mm512_set1_ps(8);
    __m512 c8 = _mm512_set1_ps(9), c9 = _mm512_set1_ps(10), c10 = _mm512_set1_ps(11), c11 = _mm512_set1_ps(12);
    for (long i = 0; i < iterations; i++) {
        DOT(c0); DOT(c1); DOT(c2); DOT(c3); DOT(c4); DOT(c5);
        DOT(c6); DOT(c7); DOT(c8); DOT(c9); DOT(c10); DOT(c11);
    }
    __m512 total = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), _mm512_add_ps(c2, c3)),
                                 _mm512_add_ps(_mm512_add_ps(c4, c5), _mm512_add_ps(c6, c7)));
    total = _mm512_add_ps(total, _mm512_add_ps(_mm512_add_ps(c8, c9), _mm512_add_ps(c10, c11)));
    return _mm512_reduce_add_ps(total);
}

// Runs `chains` on every thread at once, 9 times; prints the median rate.
static void measure(const char *name, float (*chains)(long), long iterations, double flops_per_iteration) {
    double rates[9];
    float sink = 0;
    int threads = 1;
    for (int run = 0; run < 9; run++) {
        double start = now();
        #pragma omp parallel reduction(+ : sink)
        {
            threads = omp_get_num_threads();
            sink += chains(iterations);
        }
        rates[run] = flops_per_iteration * iterations * threads / (now() - start) / 1e9;
    }
    qsort(rates, 9, sizeof rates[0], cmp);
    printf("%s, %d threads: %.1f GFLOP/s in total, %.1f per thread (checksum %g)\n",
           name, threads, rates[4], rates[4] / threads, sink);
}

int main(void) {
    measure("FMA peak, " WIDTH, fma_chains, 20000000, 12.0 * 2 * LANES);
    unsigned eax, ebx, ecx, edx;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    int amx_tile = (edx >> 24) & 1, amx_bf16 = (edx >> 22) & 1;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    int avx512_bf16 = (eax >> 5) & 1;
    printf("CPUID: AVX512_BF16 %d, AMX-TILE %d, AMX-BF16 %d\n", avx512_bf16, amx_tile, amx_bf16);
    if (avx512_bf16) measure("bf16 dot-product peak, vdpbf16ps (512-bit)", bf16_chains, 10000000, 12.0 * 4 * 16);
    return 0;
}
