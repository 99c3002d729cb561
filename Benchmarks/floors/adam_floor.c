// A floor for the optimizer's share of an MLP VAE step: PyTorch's Adam update over the MLP VAE's
// 652,824 parameters as one fused pass (read p, g, m, v; write p, m, v: 28 bytes per parameter),
// compiled for the host CPU (AVX-512 where it has it) and split over OpenMP threads. Prints the
// median time of 400 steps and what 469 steps (one Fashion-MNIST epoch at batch 128) cost.
//
//   gcc -O3 -march=native -fno-math-errno -fopenmp adam_floor.c -o /tmp/adam_floor -lm
//   OMP_NUM_THREADS=2 /tmp/adam_floor [parameters]
//
// Without -fno-math-errno, sqrtf keeps its errno path and the loop does not vectorize (4× slower).
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    const long n = argc > 1 ? atol(argv[1]) : 652824;
    const int repeats = 400;
    float *p = aligned_alloc(64, 4 * n), *g = aligned_alloc(64, 4 * n), *m = aligned_alloc(64, 4 * n), *v = aligned_alloc(64, 4 * n);
    for (long i = 0; i < n; i++) { p[i] = 0.01f * (i % 97); g[i] = 1e-3f * ((i % 13) - 6); m[i] = 0; v[i] = 0; }
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    double times[400];
    for (int step = 1; step <= repeats; step++) {
        const float stepSize = 1e-3f / (1 - powf(b1, step)), correction = 1 / sqrtf(1 - powf(b2, step));
        double start = now();
        #pragma omp parallel for simd schedule(static)
        for (long i = 0; i < n; i++) {
            float mi = b1 * m[i] + (1 - b1) * g[i];
            float vi = b2 * v[i] + (1 - b2) * g[i] * g[i];
            p[i] -= stepSize * mi / (sqrtf(vi) * correction + eps);
            m[i] = mi; v[i] = vi;
        }
        times[step - 1] = now() - start;
    }
    qsort(times, repeats, sizeof(double), cmp);
    double median = times[repeats / 2];
    printf("adam over %ld parameters, %d threads: median %.3f ms per step (%.1f GB/s of the %.1f MB streamed); %.3f s per 469 steps\n",
           n, omp_get_max_threads(), 1e3 * median, 28.0 * n / median / 1e9, 28.0 * n / 1e6, 469 * median);
    return p[n / 2] > 1e9;
}
