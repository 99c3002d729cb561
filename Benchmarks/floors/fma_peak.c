// The machine's FP32 FMA peak: independent chains of vfmadd231ps on the widest registers the
// compiler targets (AVX-512 with -march=native on CPUs that have it, else AVX2), on every OpenMP
// thread at once, so the figure is the one with all cores busy. Twelve chains per thread cover
// the FMA latency on two pipes. Prints GFLOP/s per thread and in total (median of 9 runs).
//
//   gcc -O2 -march=native -fopenmp fma_peak.c -o /tmp/fma_peak
//   OMP_NUM_THREADS=2 /tmp/fma_peak; OMP_NUM_THREADS=1 /tmp/fma_peak
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

int main(void) {
    const long iterations = 20000000;
    double rates[9];
    float sink = 0;
    int threads = 1;
    for (int run = 0; run < 9; run++) {
        double start = now();
        #pragma omp parallel reduction(+ : sink)
        {
            threads = omp_get_num_threads();
            vec a = SET1(0.999999f), b = SET1(1e-7f);
            vec c0 = SET1(1), c1 = SET1(2), c2 = SET1(3), c3 = SET1(4), c4 = SET1(5), c5 = SET1(6);
            vec c6 = SET1(7), c7 = SET1(8), c8 = SET1(9), c9 = SET1(10), c10 = SET1(11), c11 = SET1(12);
            for (long i = 0; i < iterations; i++) {
                c0 = FMA(c0, a, b); c1 = FMA(c1, a, b); c2 = FMA(c2, a, b); c3 = FMA(c3, a, b);
                c4 = FMA(c4, a, b); c5 = FMA(c5, a, b); c6 = FMA(c6, a, b); c7 = FMA(c7, a, b);
                c8 = FMA(c8, a, b); c9 = FMA(c9, a, b); c10 = FMA(c10, a, b); c11 = FMA(c11, a, b);
            }
            vec total = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
            sink += SUM(ADD(total, ADD(ADD(c8, c9), ADD(c10, c11))));
        }
        double seconds = now() - start;
        rates[run] = 12.0 * 2 * LANES * iterations * threads / seconds / 1e9;
    }
    qsort(rates, 9, sizeof rates[0], cmp);
    printf("FMA peak, %s, %d threads: %.1f GFLOP/s in total, %.1f per thread (checksum %g)\n",
           WIDTH, threads, rates[4], rates[4] / threads, sink);
    return 0;
}
