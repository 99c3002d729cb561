// oneDNN's own convolution primitives on the conv VAE's two convolution shapes (4×4 kernels,
// stride 2, padding 1, batch 128): forward, backward data and backward weights, each in plain
// NCHW/OIHW memory (what the engine's tensors are) and in the blocked formats oneDNN picks for
// itself (format_tag any; the reorders to and from them are not timed). The transposed
// convolutions of the decoder are these shapes run the other way round: a transposed conv's
// forward is the convolution's backward data, its backward data the convolution's forward.
// Beside `latent-bench --threads N conv`, this says whether oneDNN's convolutions would beat the
// engine's im2col + GEMM path. Median of 50 runs after 5 warm-ups; threads from OMP_NUM_THREADS.
//
//   gcc -O2 -fopenmp onednn_conv.c -o /tmp/onednn_conv -ldnnl
//   OMP_NUM_THREADS=2 /tmp/onednn_conv; OMP_NUM_THREADS=1 /tmp/onednn_conv
#include <dnnl.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK(call)                                                                  \
    do {                                                                             \
        dnnl_status_t status_ = (call);                                              \
        if (status_ != dnnl_success) {                                               \
            fprintf(stderr, "%s failed: %d (line %d)\n", #call, status_, __LINE__);  \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct { int batch, in_channels, out_channels, in_size, out_size; const char *name; } shape_t;

static dnnl_engine_t engine;
static dnnl_stream_t stream;

/// Times one primitive with memories for each of its arguments, allocated from its descriptor.
static double time_primitive(dnnl_primitive_desc_t pd, const int *kinds, int count) {
    dnnl_primitive_t primitive;
    CHECK(dnnl_primitive_create(&primitive, pd));
    dnnl_exec_arg_t args[4];
    dnnl_memory_t memories[4];
    for (int i = 0; i < count; i++) {
        const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, kinds[i]);
        CHECK(dnnl_memory_create(&memories[i], md, engine, DNNL_MEMORY_ALLOCATE));
        void *data;
        CHECK(dnnl_memory_get_data_handle(memories[i], &data));
        size_t bytes = dnnl_memory_desc_get_size(md);
        for (size_t j = 0; j < bytes / 4; j++) ((float *)data)[j] = (float)((j * 7919) % 1000) / 1000.0f - 0.5f;
        args[i].arg = kinds[i];
        args[i].memory = memories[i];
    }
    double times[50];
    for (int r = -5; r < 50; r++) {
        double start = now();
        CHECK(dnnl_primitive_execute(primitive, stream, count, args));
        CHECK(dnnl_stream_wait(stream));
        if (r >= 0) times[r] = now() - start;
    }
    qsort(times, 50, sizeof(double), compare);
    const char *implementation;
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &implementation));
    printf(" %-22s", implementation);
    for (int i = 0; i < count; i++) dnnl_memory_destroy(memories[i]);
    dnnl_primitive_destroy(primitive);
    return times[25] * 1e3;
}

static void measure(shape_t s, dnnl_format_tag_t activations, dnnl_format_tag_t weights_format, const char *label) {
    dnnl_dims_t src_dims = {s.batch, s.in_channels, s.in_size, s.in_size};
    dnnl_dims_t weight_dims = {s.out_channels, s.in_channels, 4, 4};
    dnnl_dims_t dst_dims = {s.batch, s.out_channels, s.out_size, s.out_size};
    dnnl_dims_t strides = {2, 2}, padding = {1, 1};
    dnnl_memory_desc_t src, weights, dst, bias;
    CHECK(dnnl_memory_desc_init_by_tag(&src, 4, src_dims, dnnl_f32, activations));
    CHECK(dnnl_memory_desc_init_by_tag(&weights, 4, weight_dims, dnnl_f32, weights_format));
    CHECK(dnnl_memory_desc_init_by_tag(&dst, 4, dst_dims, dnnl_f32, activations));
    dnnl_dims_t bias_dims = {s.out_channels};
    CHECK(dnnl_memory_desc_init_by_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_x));
    double flops = 2.0 * s.batch * s.out_channels * s.out_size * s.out_size * s.in_channels * 16;

    dnnl_convolution_desc_t forward_desc, data_desc, weights_desc;
    dnnl_primitive_desc_t forward, data, weight;
    CHECK(dnnl_convolution_forward_desc_init(&forward_desc, dnnl_forward_training, dnnl_convolution_direct, &src, &weights,
                                             &bias, &dst, strides, padding, padding));
    CHECK(dnnl_primitive_desc_create(&forward, &forward_desc, NULL, engine, NULL));
    CHECK(dnnl_convolution_backward_data_desc_init(&data_desc, dnnl_convolution_direct, &src, &weights, &dst, strides, padding, padding));
    CHECK(dnnl_primitive_desc_create(&data, &data_desc, NULL, engine, forward));
    CHECK(dnnl_convolution_backward_weights_desc_init(&weights_desc, dnnl_convolution_direct, &src, &weights, &bias, &dst,
                                                      strides, padding, padding));
    CHECK(dnnl_primitive_desc_create(&weight, &weights_desc, NULL, engine, forward));

    printf("%-26s %-8s", s.name, label);
    int forward_args[] = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_BIAS, DNNL_ARG_DST};
    int data_args[] = {DNNL_ARG_DIFF_DST, DNNL_ARG_WEIGHTS, DNNL_ARG_DIFF_SRC};
    int weight_args[] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_WEIGHTS, DNNL_ARG_DIFF_BIAS};
    double f = time_primitive(forward, forward_args, 4);
    double d = time_primitive(data, data_args, 3);
    double w = time_primitive(weight, weight_args, 4);
    printf("  fwd %6.2f ms (%5.1f GFLOP/s)  bwd-data %6.2f ms (%5.1f)  bwd-weights %6.2f ms (%5.1f)\n", f, flops / f / 1e6, d,
           flops / d / 1e6, w, flops / w / 1e6);
    dnnl_primitive_desc_destroy(forward);
    dnnl_primitive_desc_destroy(data);
    dnnl_primitive_desc_destroy(weight);
}

int main(void) {
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const dnnl_version_t *version = dnnl_version();
    printf("oneDNN %d.%d.%d, %d OpenMP threads, effective ISA %d\n", version->major, version->minor, version->patch,
           omp_get_max_threads(), (int)dnnl_get_effective_cpu_isa());
    shape_t shapes[] = {
        {128, 1, 32, 28, 14, "conv 1→32, 28→14"},
        {128, 32, 64, 14, 7, "conv 32→64, 14→7"},
    };
    for (int i = 0; i < 2; i++) {
        measure(shapes[i], dnnl_nchw, dnnl_oihw, "plain");
        measure(shapes[i], dnnl_format_tag_any, dnnl_format_tag_any, "blocked");
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
    return 0;
}
