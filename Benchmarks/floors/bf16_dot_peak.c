// The machine's bf16 dot-product peak beside its FP32 FMA peak (fma_peak.c): independent chains of
// vdpbf16ps (AVX512_BF16: per 32-bit lane, acc += a0·b0 + a1·b1 over bf16 pairs, 4 flops) on
// 512-bit registers, on every OpenMP thread at once. Twelve chains per thread, as in fma_peak.c.
// Prints GFLOP/s per thread and in total (median of 9 runs). Where bf16 GEMMs could only reach
// this figure's share of FP32's, no bf16 matmul on AVX512_BF16 can be 2x its FP32 one; CPUs
// whose bf16 runs faster do it on AMX tiles, which the program reports from CPUID.
//
//   gcc -O2 -fopenmp bf16_dot_peak.c -o /tmp/bf16_dot_peak
//   OMP_NUM_THREADS=2 /tmp/bf16_dot_peak; OMP_NUM_THREADS=1 /tmp/bf16_dot_peak
#include <cpuid.h>
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

#define DOT(c) c = _mm512_dpbf16_ps(c, a, b)

__attribute__((target("avx512f,avx512bf16"))) static float chains(long iterations) {
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

int main(void) {
    unsigned eax, ebx, ecx, edx;
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    int avx512_bf16 = (eax >> 5) & 1;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    printf("CPUID: AVX512_BF16 %d, AMX-TILE %d, AMX-BF16 %d\n", avx512_bf16, (edx >> 24) & 1, (edx >> 22) & 1);
    if (!avx512_bf16) {
        printf("no AVX512_BF16 on this CPU: nothing to measure\n");
        return 0;
    }
    const long iterations = 10000000;
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
        double seconds = now() - start;
        rates[run] = 12.0 * 4 * 16 * iterations * threads / seconds / 1e9;
    }
    qsort(rates, 9, sizeof rates[0], cmp);
    printf("bf16 dot-product peak, vdpbf16ps (512-bit), %d threads: %.1f GFLOP/s in total, %.1f per thread (checksum %g)\n",
           threads, rates[4], rates[4] / threads, sink);
    return 0;
}
