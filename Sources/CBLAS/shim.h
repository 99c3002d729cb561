// OpenBLAS's C interface (Debian: libopenblas-dev). Only TensorCore's kernels import it.
#include <cblas.h>
