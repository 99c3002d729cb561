import CMPI
import Foundation
import GenerativeModels

/// The processes of an `mpirun` job as the trainer's ``ProcessGroup``: MPI_COMM_WORLD on Open MPI.
///
/// Made once per process by ``start()``, which initialises MPI, and only when mpirun started the
/// process as one of several (``MPIProcessGroup/launchedSize``): a process started on its own never
/// touches MPI. The trainer calls the collectives from one thread (MPI_THREAD_FUNNELED).
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int
    private let world = latent_mpi_comm_world()
    /// Time spent inside the gradients' sums (started to waited for), for the benchmark.
    public private(set) var secondsInSums: Double = 0

    private init(rank: Int, size: Int) {
        (self.rank, self.size) = (rank, size)
    }

    /// The size of the job this process was started in, as Open MPI's launcher tells its processes
    /// in the environment, without initialising MPI; 1 when not started by mpirun.
    public static var launchedSize: Int {
        Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"] ?? "") ?? 1
    }

    /// This process's rank as the launcher's environment says, without initialising MPI.
    public static var launchedRank: Int {
        Int(ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_RANK"] ?? "") ?? 0
    }

    /// Initialises MPI and returns the group of all the job's processes.
    public static func start() -> MPIProcessGroup {
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, latent_mpi_thread_funneled(), &provided)
        var rank: Int32 = 0, size: Int32 = 1
        MPI_Comm_rank(latent_mpi_comm_world(), &rank)
        MPI_Comm_size(latent_mpi_comm_world(), &size)
        return MPIProcessGroup(rank: Int(rank), size: Int(size))
    }

    /// Ends MPI after a successful run; every process must call it.
    public func finish() {
        MPI_Finalize()
    }

    /// Ends every process of the job with `code`: how a failure on one process reaches the others,
    /// which may be waiting in a collective and would otherwise wait forever.
    public func abort(code: Int32) -> Never {
        MPI_Abort(world, code)
        exit(code)
    }

    // MARK: Collectives

    public func startSumInPlace(_ values: UnsafeMutableBufferPointer<Float>) -> any PendingReduction {
        guard let base = values.baseAddress, !values.isEmpty else { return MPIRequest(request: latent_mpi_request_null(), group: self) }
        var request = latent_mpi_request_null()
        let start = Date()
        MPI_Iallreduce(latent_mpi_in_place(), base, Int32(values.count), latent_mpi_float(), latent_mpi_sum(), world, &request)
        secondsInSums += Date().timeIntervalSince(start)
        return MPIRequest(request: request, group: self)
    }

    fileprivate func addSeconds(_ seconds: Double) { secondsInSums += seconds }

    public func sumInPlace(_ values: inout [Double]) {
        guard !values.isEmpty else { return }
        let count = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Allreduce(latent_mpi_in_place(), buffer.baseAddress, count, latent_mpi_double(), latent_mpi_sum(), world)
        }
    }

    public func maximumInPlace(_ values: inout [UInt64]) {
        guard !values.isEmpty else { return }
        let count = Int32(values.count)
        values.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Allreduce(latent_mpi_in_place(), buffer.baseAddress, count, latent_mpi_uint64(), latent_mpi_max(), world)
        }
    }

    public func broadcast(_ bytes: inout [UInt8], from root: Int) {
        guard !bytes.isEmpty else { return }
        let count = Int32(bytes.count)
        bytes.withUnsafeMutableBufferPointer { buffer in
            _ = MPI_Bcast(buffer.baseAddress, count, latent_mpi_byte(), Int32(root), world)
        }
    }

    public func barrier() {
        MPI_Barrier(world)
    }
}

/// An MPI_Iallreduce in flight. A class: MPI_Test and MPI_Wait set the handle to
/// MPI_REQUEST_NULL once the sum is complete, and later calls must see that.
private final class MPIRequest: PendingReduction {
    var request: MPI_Request?
    let group: MPIProcessGroup

    init(request: MPI_Request?, group: MPIProcessGroup) {
        self.request = request
        self.group = group
    }

    func poll() {
        var done: Int32 = 0
        let start = Date()
        MPI_Test(&request, &done, nil)
        group.addSeconds(Date().timeIntervalSince(start))
    }

    func wait() {
        let start = Date()
        MPI_Wait(&request, nil)
        group.addSeconds(Date().timeIntervalSince(start))
    }
}
