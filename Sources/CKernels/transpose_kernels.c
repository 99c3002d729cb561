#include "transpose_kernels.h"

#include "elementwise_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

// The side of a tile: 16 × 16 floats are 1 KiB read and 1 KiB written, and on AVX-512 one register
// per row.
enum { TILE = 16 };

static inline long smaller(long a, long b) { return a < b ? a : b; }

// Element by element, column by column of the source: each write lands next to the last one.
static inline void transpose_elements(const float *source, long source_stride, float *destination,
                                      long destination_stride, long rows, long columns) {
    for (long j = 0; j < columns; j++)
        for (long i = 0; i < rows; i++) destination[j * destination_stride + i] = source[i * source_stride + j];
}

static inline void transpose_by_tiles(const float *source, long source_stride, float *destination,
                                      long destination_stride, long rows, long columns) {
    for (long i = 0; i < rows; i += TILE)
        for (long j = 0; j < columns; j += TILE)
            transpose_elements(source + i * source_stride + j, source_stride, destination + j * destination_stride + i,
                               destination_stride, smaller(TILE, rows - i), smaller(TILE, columns - j));
}

#define TILED(suffix, attributes)                                                                            \
    attributes static void transpose_##suffix(const float *source, long source_stride, float *destination,   \
                                              long destination_stride, long rows, long columns) {            \
        transpose_by_tiles(source, source_stride, destination, destination_stride, rows, columns);           \
    }

TILED(baseline, )

#if defined(__x86_64__)
TILED(avx2, __attribute__((target("avx2,fma"))))

#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"), min_vector_width(512)))

// One 16 × 16 tile through registers, in the classic four rounds: unpack pairs of rows (2 × 2
// blocks of floats), shuffle pairs of those (4 × 4 blocks within each 128-bit lane), then move
// 128-bit lanes between registers twice (8 × 8, then 16 × 16).
AVX512 static void transpose_tile_avx512(const float *source, long source_stride, float *destination,
                                         long destination_stride) {
    __m512 r[TILE], t[TILE];
    for (int i = 0; i < TILE; i++) r[i] = _mm512_loadu_ps(source + i * source_stride);
    for (int i = 0; i < TILE; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < TILE; i += 4) {
        r[i] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    // Lane k of r[4q + c] now holds rows 4q … 4q + 3 of column 4k + c.
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);        // lanes 0 and 2 of each
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xDD);    // lanes 1 and 3 of each
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xDD);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xDD);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xDD);
    }
    for (int i = 0; i < TILE; i++) _mm512_storeu_ps(destination + i * destination_stride, r[i]);
}

AVX512 static void transpose_avx512(const float *source, long source_stride, float *destination,
                                    long destination_stride, long rows, long columns) {
    long whole_rows = rows - rows % TILE, whole_columns = columns - columns % TILE;
    for (long i = 0; i < whole_rows; i += TILE) {
        for (long j = 0; j < whole_columns; j += TILE)
            transpose_tile_avx512(source + i * source_stride + j, source_stride, destination + j * destination_stride + i,
                                  destination_stride);
        transpose_elements(source + i * source_stride + whole_columns, source_stride,
                           destination + whole_columns * destination_stride + i, destination_stride, TILE,
                           columns - whole_columns);
    }
    transpose_by_tiles(source + whole_rows * source_stride, source_stride, destination + whole_rows, destination_stride,
                       rows - whole_rows, columns);
}
#endif

void latent_transpose(const float *source, long source_stride, float *destination, long destination_stride,
                      long rows, long columns) {
    switch (latent_elementwise_isa()) {
#if defined(__x86_64__)
    case LATENT_ISA_AVX512: transpose_avx512(source, source_stride, destination, destination_stride, rows, columns); return;
    case LATENT_ISA_AVX2: transpose_avx2(source, source_stride, destination, destination_stride, rows, columns); return;
#endif
    default: transpose_baseline(source, source_stride, destination, destination_stride, rows, columns); return;
    }
}
