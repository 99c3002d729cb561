// Open MPI's C interface (Debian: libopenmpi-dev). Only the Distributed target imports it.
//
// mpi.h spells its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, ...) as macros over
// the addresses of library globals, which Swift cannot import; these inline functions hand them
// over as values.
#include <mpi.h>

static inline MPI_Comm latent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype latent_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype latent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype latent_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype latent_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op latent_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op latent_mpi_max(void) { return MPI_MAX; }
static inline MPI_Op latent_mpi_min(void) { return MPI_MIN; }
static inline void *latent_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *latent_mpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_Request latent_mpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline int latent_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int latent_mpi_success(void) { return MPI_SUCCESS; }
