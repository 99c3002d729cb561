import TensorCore

/// The processes that train one model together, data parallel: each holds a replica of the model,
/// takes its share of every batch, and the gradients are summed across them.
///
/// The trainer needs only these collectives; `DataParallel`'s `MPIProcessGroup` provides them on
/// Open MPI. Every process calls each collective in the same order with buffers of the same size.
public protocol ProcessGroup: AnyObject {
    /// This process's index, 0 ..< size. Rank 0 writes the run folder.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }

    /// Starts summing `values` in place across processes; the sum is there once the returned
    /// reduction's `wait()` returns. `values` must stay alive and untouched until then.
    func startSumInPlace(_ values: UnsafeMutableBufferPointer<Float>) -> any PendingReduction
    /// Replaces `values` on every process by their elementwise sum over all processes.
    func sumInPlace(_ values: inout [Double])
    /// Replaces `values` on every process by their elementwise maximum over all processes.
    func maximumInPlace(_ values: inout [UInt64])
    /// Replaces `bytes` on every process by rank `root`'s bytes; every process passes the same count.
    func broadcast(_ bytes: inout [UInt8], from root: Int)
    /// Returns once every process has called it.
    func barrier()
}

/// A sum across processes that has been started and not yet waited for.
public protocol PendingReduction {
    /// Lets the sum make progress, without waiting (MPI advances non-blocking collectives only
    /// inside its calls).
    func poll()
    /// Returns when the sum is complete.
    func wait()
}

extension ProcessGroup {
    /// Whether this process writes the run folder and prints progress.
    public var isLeader: Bool { rank == 0 }

    /// The rows of a batch of `count` examples this process takes (``BatchShard/share(ofBatch:rank:processes:)``).
    public func share(ofBatch count: Int) -> BatchShard {
        BatchShard.share(ofBatch: count, rank: rank, processes: size)
    }

    /// Whether every process holds the same `bytes` (compared with rank 0's).
    public func allHold(_ bytes: [UInt8]) -> Bool {
        // The longest and (as the largest complement) the shortest length: equal lengths first.
        var lengths = [UInt64(bytes.count), UInt64.max - UInt64(bytes.count)]
        maximumInPlace(&lengths)
        guard lengths[0] == UInt64.max - lengths[1] else { return false }
        var leaders = bytes
        broadcast(&leaders, from: 0)
        var differs = [leaders == bytes ? 0 : 1.0]
        sumInPlace(&differs)
        return differs[0] == 0
    }
}
