// zlib (Debian: zlib1g-dev): gzip input for IDX files and deflate for PNG output.
#include <zlib.h>
