// libpng (Debian: libpng-dev): decoding PNG files of an image folder.
//
// libpng reports errors by longjmp, which Swift cannot catch, so the whole decode runs here in C
// behind one setjmp and returns a status with libpng's message.
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// The bytes being read and how far the reader has got.
typedef struct {
    const unsigned char *bytes;
    size_t size;
    size_t offset;
} latent_png_source;

/// libpng's read callback over memory: a read past the end is an error (a truncated file).
static void latent_png_read(png_structp png, png_bytep out, size_t length) {
    latent_png_source *source = (latent_png_source *)png_get_io_ptr(png);
    if (length > source->size - source->offset) {
        png_error(png, "the file ends early");
        return;
    }
    memcpy(out, source->bytes + source->offset, length);
    source->offset += length;
}

/// Stores libpng's error message and jumps back to latent_png_decode.
static void latent_png_error(png_structp png, png_const_charp message) {
    char *buffer = (char *)png_get_error_ptr(png);
    if (buffer) {
        strncpy(buffer, message, 255);
        buffer[255] = 0;
    }
    png_longjmp(png, 1);
}

/// Warnings (e.g. an unknown chunk) do not stop a decode and would only clutter the terminal.
static void latent_png_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/// Decodes a PNG file held in memory to 8-bit pixels, row-major and interleaved: 1 channel for a
/// grey file (grey with alpha too), 3 (R, G, B) for a colour or palette file. Alpha and tRNS
/// transparency are dropped, 16-bit samples are scaled to 8 bits (v·255/65535, rounded), and
/// 1-, 2- and 4-bit samples expanded. Images with more than `max_bytes` output bytes are refused.
///
/// Returns 0 and sets *pixels (malloc'd; the caller frees it), *width, *height and *channels; or
/// returns 1 with a message of at most 255 bytes in `message` (256 bytes).
static inline int latent_png_decode(const unsigned char *bytes, size_t size, size_t max_bytes,
                                    unsigned char **pixels, int *width, int *height, int *channels,
                                    char *message) {
    *pixels = NULL;
    message[0] = 0;
    if (size < 8 || png_sig_cmp(bytes, 0, 8) != 0) {
        strcpy(message, "it does not start with the PNG signature");
        return 1;
    }
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, message, latent_png_error, latent_png_warning);
    if (!png) {
        strcpy(message, "libpng could not start");
        return 1;
    }
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile out = NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        strcpy(message, "libpng could not start");
        return 1;
    }
    latent_png_source source = {bytes, size, 0};
    if (setjmp(png_jmpbuf(png))) {
        free(out);
        png_destroy_read_struct(&png, &info, NULL);
        if (!message[0]) strcpy(message, "libpng could not decode it");
        return 1;
    }
    png_set_read_fn(png, &source, latent_png_read);
    png_set_user_limits(png, 1 << 16, 1 << 16);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    int color_type = png_get_color_type(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_bit_depth(png, info) == 16) png_set_scale_16(png);
    if (color_type & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    int c = png_get_channels(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if ((c != 1 && c != 3) || row_bytes != (size_t)w * (size_t)c) {
        strcpy(message, "its pixel format is not supported");
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    if ((size_t)h > max_bytes / row_bytes) {
        strcpy(message, "it is too large to load");
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    out = (unsigned char *)malloc(row_bytes * h);
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * h);
    if (!out || !rows) {
        free(rows);
        free(out);
        strcpy(message, "there is not enough memory to load it");
        png_destroy_read_struct(&png, &info, NULL);
        return 1;
    }
    for (png_uint_32 y = 0; y < h; y++) rows[y] = out + (size_t)y * row_bytes;
    // A longjmp from png_read_image must not leak the row table: keep it reachable from the
    // error path by reading into it only after the jump buffer knows about it.
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(out);
        png_destroy_read_struct(&png, &info, NULL);
        if (!message[0]) strcpy(message, "libpng could not decode it");
        return 1;
    }
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    *pixels = out;
    *width = (int)w;
    *height = (int)h;
    *channels = c;
    return 0;
}
