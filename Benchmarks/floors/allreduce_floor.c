// A floor for data parallel training's communication: MPI_Allreduce (sum, in place) of Float32
// buffers of the sizes Latent's models send each step, between the ranks of an mpirun job, timed
// by MPI_Wtime after a barrier. Prints the median of 50 allreduces per size.
//
//   mpicc -O2 allreduce_floor.c -o /tmp/allreduce_floor
//   mpirun -np 2 --bind-to core /tmp/allreduce_floor [floats…]
//
// Default sizes: 4 kB, 256 kB, the PixelCNN's 0.75 MB, the MLP VAE's 2.61 MB and 16 MB.
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    long defaults[] = {1024, 65536, 187000, 652824, 4194304};
    int count = argc > 1 ? argc - 1 : 5;
    enum { reps = 50 };
    for (int s = 0; s < count; s++) {
        long n = argc > 1 ? atol(argv[s + 1]) : defaults[s];
        float *x = malloc(n * sizeof(float));
        for (long i = 0; i < n; i++) x[i] = 1;
        double times[reps];
        for (int r = -5; r < reps; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            MPI_Allreduce(MPI_IN_PLACE, x, (int)n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            if (r >= 0) times[r] = MPI_Wtime() - start;
        }
        qsort(times, reps, sizeof(double), cmp);
        if (rank == 0)
            printf("allreduce of %9ld floats (%6.2f MB) over %d ranks: %8.3f ms median, %5.2f GB/s of buffer\n",
                   n, n * 4e-6, size, times[reps / 2] * 1e3, n * 4e-9 / times[reps / 2]);
        free(x);
    }
    MPI_Finalize();
    return 0;
}
