// What one oneDNN FP32 matmul primitive holds in memory, before and after its first run: 100
// primitives of shape m×k·k×n with m = 32, 64, …, 3200 (the sentence models' products change m
// with every batch's sentence length), the growth of the resident set divided by 100; then again
// after all of them are destroyed, which shows how much of that growth the primitives held. The
// operand buffers are filled with ones before the count starts (zeros would let the compiler turn
// malloc + memset into calloc and leave the pages untouched until oneDNN writes them), so only
// what oneDNN allocates is counted. OneDNNMatmul.Product.estimatedBytes cites these figures.
//
//   gcc -O2 onednn_matmul_memory.c -o /tmp/onednn_matmul_memory -ldnnl
//   OMP_NUM_THREADS=1 /tmp/onednn_matmul_memory N K RUN     e.g. 1723 256 1   (RUN 0: create only)
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { primitives = 100, largest_m = 32 * primitives };

static long resident_kib(void) {
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kib = 0;
    while (fgets(line, sizeof line, status))
        if (!strncmp(line, "VmRSS:", 6)) kib = atol(line + 6);
    fclose(status);
    return kib;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s N K RUN\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]), k = atoi(argv[2]), run = atoi(argv[3]);
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    dnnl_engine_create(&engine, dnnl_cpu, 0);
    dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    dnnl_set_primitive_cache_capacity(0);  // as the engine does: no second reference to each primitive
    size_t a_bytes = (size_t)largest_m * k * 4, b_bytes = (size_t)k * n * 4, c_bytes = (size_t)largest_m * n * 4;
    float *a = malloc(a_bytes), *b = malloc(b_bytes), *c = malloc(c_bytes);
    memset(a, 1, a_bytes);
    memset(b, 1, b_bytes);
    memset(c, 1, c_bytes);
    const char *implementation = "";
    long before = resident_kib();
    dnnl_primitive_t kept[primitives];
    for (int i = 0; i < primitives; i++) {
        int m = 32 * (i + 1);
        dnnl_dims_t a_dims = {m, k}, b_dims = {k, n}, c_dims = {m, n};
        dnnl_memory_desc_t a_desc, b_desc, c_desc;
        dnnl_memory_desc_init_by_tag(&a_desc, 2, a_dims, dnnl_f32, dnnl_ab);
        dnnl_memory_desc_init_by_tag(&b_desc, 2, b_dims, dnnl_f32, dnnl_ab);
        dnnl_memory_desc_init_by_tag(&c_desc, 2, c_dims, dnnl_f32, dnnl_ab);
        dnnl_matmul_desc_t desc;
        dnnl_matmul_desc_init(&desc, &a_desc, &b_desc, NULL, &c_desc);
        dnnl_primitive_desc_t pd;
        if (dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL) != dnnl_success) {
            fprintf(stderr, "oneDNN refused %d×%d·%d×%d\n", m, k, k, n);
            return 1;
        }
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &implementation);
        dnnl_primitive_create(&kept[i], pd);
        dnnl_primitive_desc_destroy(pd);
        if (run) {
            dnnl_memory_t a_mem, b_mem, c_mem;
            dnnl_memory_create(&a_mem, &a_desc, engine, a);
            dnnl_memory_create(&b_mem, &b_desc, engine, b);
            dnnl_memory_create(&c_mem, &c_desc, engine, c);
            dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, c_mem}};
            dnnl_primitive_execute(kept[i], stream, 3, args);
            dnnl_stream_wait(stream);
            dnnl_memory_destroy(a_mem);
            dnnl_memory_destroy(b_mem);
            dnnl_memory_destroy(c_mem);
        }
    }
    printf("n=%d k=%d (%s), %s: %.1f KiB per primitive\n", n, k, implementation, run ? "after one run" : "created only",
           (resident_kib() - before) / (double)primitives);
    for (int i = 0; i < primitives; i++) dnnl_primitive_destroy(kept[i]);
    printf("  after destroying them all: %.1f KiB per primitive still resident\n", (resident_kib() - before) / (double)primitives);
    return 0;
}
