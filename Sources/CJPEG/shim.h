// libjpeg-turbo (Debian: libjpeg62-turbo-dev): decoding JPEG files of an image folder.
//
// libjpeg reports fatal errors through error_exit, which by default ends the process; here it
// longjmps back to latent_jpeg_decode, which Swift cannot do, so the whole decode runs in C.
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// libjpeg's error manager with the place to jump back to and room for its message.
typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char *message;
} latent_jpeg_error;

static void latent_jpeg_error_exit(j_common_ptr info) {
    latent_jpeg_error *error = (latent_jpeg_error *)info->err;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    strncpy(error->message, text, 255);
    error->message[255] = 0;
    longjmp(error->jump, 1);
}

/// Warnings (corrupt but recoverable data) are not printed, and the decode goes on as libjpeg's
/// own tools do, except for a file that ends early: libjpeg would pad it with grey, and an image
/// half made up is not training data.
static void latent_jpeg_output_message(j_common_ptr info) { (void)info; }

static void latent_jpeg_emit_message(j_common_ptr info, int level) {
    if (level < 0 && info->err->msg_code == JWRN_JPEG_EOF) {
        latent_jpeg_error *error = (latent_jpeg_error *)info->err;
        strcpy(error->message, "the file ends early");
        longjmp(error->jump, 1);
    }
    if (level < 0) info->err->num_warnings++;
}

/// Decodes a JPEG file held in memory to 8-bit pixels, row-major and interleaved: 1 channel for a
/// greyscale file, 3 (R, G, B) for any other that libjpeg can convert to RGB (CMYK cannot be).
/// Images with more than `max_bytes` output bytes are refused.
///
/// Returns 0 and sets *pixels (malloc'd; the caller frees it), *width, *height and *channels; or
/// returns 1 with a message of at most 255 bytes in `message` (256 bytes).
static inline int latent_jpeg_decode(const unsigned char *bytes, size_t size, size_t max_bytes,
                                     unsigned char **pixels, int *width, int *height, int *channels,
                                     char *message) {
    *pixels = NULL;
    message[0] = 0;
    struct jpeg_decompress_struct info;
    latent_jpeg_error error;
    unsigned char *volatile out = NULL;
    info.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = latent_jpeg_error_exit;
    error.manager.output_message = latent_jpeg_output_message;
    error.manager.emit_message = latent_jpeg_emit_message;
    error.message = message;
    if (setjmp(error.jump)) {
        free(out);
        jpeg_destroy_decompress(&info);
        if (!message[0]) strcpy(message, "libjpeg could not decode it");
        return 1;
    }
    jpeg_create_decompress(&info);
    if (size == 0) {
        jpeg_destroy_decompress(&info);
        strcpy(message, "it is empty");
        return 1;
    }
    jpeg_mem_src(&info, bytes, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = info.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_calc_output_dimensions(&info);
    size_t c = (size_t)info.output_components;
    size_t row_bytes = (size_t)info.output_width * c;
    if ((c != 1 && c != 3) || row_bytes == 0 || (size_t)info.output_height > max_bytes / row_bytes) {
        jpeg_destroy_decompress(&info);
        strcpy(message, (c != 1 && c != 3) ? "its colour space is not supported" : "it is too large to load");
        return 1;
    }
    jpeg_start_decompress(&info);
    out = (unsigned char *)malloc(row_bytes * info.output_height);
    if (!out) {
        jpeg_destroy_decompress(&info);
        strcpy(message, "there is not enough memory to load it");
        return 1;
    }
    while (info.output_scanline < info.output_height) {
        JSAMPROW row = out + (size_t)info.output_scanline * row_bytes;
        jpeg_read_scanlines(&info, &row, 1);
    }
    jpeg_finish_decompress(&info);
    *pixels = out;
    *width = (int)info.output_width;
    *height = (int)info.output_height;
    *channels = (int)c;
    jpeg_destroy_decompress(&info);
    return 0;
}
