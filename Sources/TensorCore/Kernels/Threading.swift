import CBLAS
import Dispatch

/// How many cores the engine uses: the elementwise loops here and OpenBLAS's GEMM threads.
///
/// Random draws never depend on this number (see ``RandomGenerator``); sums may differ across
/// thread counts only by floating-point summation order.
public enum ComputeThreads {
    nonisolated(unsafe) private static var current = 1

    /// The number of threads in use.
    public static var count: Int { current }

    /// Sets the number of threads for elementwise loops and split GEMMs. Call it before work starts.
    public static func set(_ threads: Int) {
        precondition(threads >= 1, "ComputeThreads.set: thread count must be at least 1, got \(threads)")
        current = threads
        _ = BLASRuntime.configured
        // OpenBLAS stays on one thread: large GEMMs are split across the engine's threads instead
        // (``BLAS/gemm``). With OpenBLAS's own pool, its idle workers spin in sched_yield between
        // GEMMs and take a core from the elementwise loops and convolution rounds that run on
        // Dispatch threads meanwhile.
        openblas_set_num_threads(1)
    }

    /// Elements below which a loop stays on one thread: splitting costs about a microsecond.
    static let parallelThreshold = 1 << 15

    /// How many chunks a loop of `count` elements is split into: one while ``serially(_:)`` runs.
    static func chunkCount(_ count: Int, minimumPerChunk: Int = parallelThreshold) -> Int {
        spreads ? min(current, max(1, count / max(minimumPerChunk, 1))) : 1
    }

    /// False while ``serially(_:)`` runs: its caller already spreads work over the threads.
    nonisolated(unsafe) static var spreads = true

    /// Runs `body` with every loop and GEMM of the engine in one piece on the thread that calls
    /// it: for callers that run whole tasks side by side on threads of their own (convolution
    /// rounds, the Row LSTM's groups of images), where splitting each loop again would only add
    /// hand-offs between threads. The switch is process-wide, so work that another task runs
    /// meanwhile also stays on its thread; it stays correct.
    static func serially<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = spreads
        spreads = false
        defer { spreads = previous }
        return try body()
    }

    /// Runs `body(chunk, range)` for `chunks` contiguous ranges covering `0..<count`, concurrently.
    @inline(__always)
    static func forEachChunk(_ count: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
        if chunks <= 1 {
            body(0, 0..<count)
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                body(chunk, (count * chunk / chunks)..<(count * (chunk + 1) / chunks))
            }
        }
    }

    /// Runs `body` over `0..<count` in one contiguous chunk per thread (or one chunk for small work).
    @inline(__always)
    static func forEachChunk(_ count: Int, minimumPerChunk: Int = parallelThreshold,
                             _ body: (Range<Int>) -> Void) {
        forEachChunk(count, chunks: chunkCount(count, minimumPerChunk: minimumPerChunk)) { _, range in body(range) }
    }
}

extension ComputeThreads {
    /// Runs `body` over contiguous ranges covering `0..<count`, one per thread when the work is
    /// large enough to pay for the split. For loops outside TensorCore, such as optimizer updates.
    public static func parallelFor(_ count: Int, _ body: (Range<Int>) -> Void) {
        forEachChunk(count, body)
    }
}
