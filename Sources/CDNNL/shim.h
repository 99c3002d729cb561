// oneDNN's C API (Debian's libdnnl-dev), built on OpenMP.
#include <oneapi/dnnl/dnnl.h>

// From libgomp, which oneDNN's OpenMP runtime uses. The engine runs each oneDNN call on one
// OpenMP thread and spreads work over its own threads instead; gcc's <omp.h> is not on the
// Swift compiler's include path, so the one function needed is declared here.
void omp_set_num_threads(int threads);
