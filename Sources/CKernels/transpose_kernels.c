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

// The whole tiles of `side` × `side` by `tile`, the ragged edges element by element.
#define BY_WHOLE_TILES(side, tile)                                                                              \
    do {                                                                                                        \
        long whole_rows = rows - rows % (side), whole_columns = columns - columns % (side);                     \
        for (long i = 0; i < whole_rows; i += (side)) {                                                         \
            for (long j = 0; j < whole_columns; j += (side))                                                    \
                tile(source + i * source_stride + j, source_stride, destination + j * destination_stride + i,   \
                     destination_stride);                                                                       \
            transpose_elements(source + i * source_stride + whole_columns, source_stride,                      \
                               destination + whole_columns * destination_stride + i, destination_stride, (side), \
                               columns - whole_columns);                                                        \
        }                                                                                                       \
        transpose_by_tiles(source + whole_rows * source_stride, source_stride, destination + whole_rows,        \
                           destination_stride, rows - whole_rows, columns);                                     \
    } while (0)

static void transpose_baseline(const float *source, long source_stride, float *destination, long destination_stride,
                               long rows, long columns) {
    transpose_by_tiles(source, source_stride, destination, destination_stride, rows, columns);
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2,fma")))
#define AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,fma"), min_vector_width(512)))

// The first two rounds of a register transpose of `count` rows r[0 …], the same at every vector
// width (`width` is the intrinsics' prefix): unpack pairs of rows into 2 × 2 blocks of floats, then
// shuffle pairs of those into 4 × 4 blocks within each 128-bit lane, leaving them in r again.
#define TRANSPOSE_4X4_BLOCKS(width, r, t, count)                                      \
    do {                                                                              \
        for (int i = 0; i < (count); i += 2) {                                        \
            t[i] = width##_unpacklo_ps(r[i], r[i + 1]);                               \
            t[i + 1] = width##_unpackhi_ps(r[i], r[i + 1]);                           \
        }                                                                             \
        for (int i = 0; i < (count); i += 4) {                                        \
            r[i] = width##_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));       \
            r[i + 1] = width##_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));   \
            r[i + 2] = width##_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0)); \
            r[i + 3] = width##_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2)); \
        }                                                                             \
    } while (0)

// One 8 × 8 tile through 256-bit registers: 4 × 4 blocks, then 128-bit halves swapped between
// registers. PixelRNN's groups of 8 images make batches of exactly this size.
AVX2 static void transpose_tile8_avx2(const float *source, long source_stride, float *destination,
                                      long destination_stride) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(source + i * source_stride);
    TRANSPOSE_4X4_BLOCKS(_mm256, r, t, 8);
    // Half h of r[4q + c] now holds rows 4q … 4q + 3 of column 4h + c.
    for (int c = 0; c < 4; c++) {
        _mm256_storeu_ps(destination + c * destination_stride, _mm256_permute2f128_ps(r[c], r[c + 4], 0x20));
        _mm256_storeu_ps(destination + (c + 4) * destination_stride, _mm256_permute2f128_ps(r[c], r[c + 4], 0x31));
    }
}

AVX2 static void transpose_avx2(const float *source, long source_stride, float *destination, long destination_stride,
                                long rows, long columns) {
    BY_WHOLE_TILES(8, transpose_tile8_avx2);
}

// One 16 × 16 tile through 512-bit registers: 4 × 4 blocks, then 128-bit lanes moved between
// registers twice (8 × 8, then 16 × 16).
AVX512 static void transpose_tile16_avx512(const float *source, long source_stride, float *destination,
                                           long destination_stride) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(source + i * source_stride);
    TRANSPOSE_4X4_BLOCKS(_mm512, r, t, 16);
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
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(destination + i * destination_stride, r[i]);
}

// 16 × 16 tiles where both sides allow, else 8 × 8 ones (a block 8 to 15 floats on a side).
AVX512 static void transpose_avx512(const float *source, long source_stride, float *destination,
                                    long destination_stride, long rows, long columns) {
    if (rows >= 16 && columns >= 16) BY_WHOLE_TILES(16, transpose_tile16_avx512);
    else BY_WHOLE_TILES(8, transpose_tile8_avx2);
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
