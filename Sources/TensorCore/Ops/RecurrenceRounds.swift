import Dispatch

/// A batch in groups of images for PixelRNN's recurrences (``Tensor/rowLSTMRecurrence(stateWeight:)``,
/// ``Tensor/diagonalLSTMRecurrence(stateWeight:direction:)``), each group's recurrence computed on
/// its own.
///
/// Images never meet in a recurrence, so with several threads each group runs whole on one thread
/// and the threads meet once per op. Run on all threads at once, a recurrence's threads met at
/// every row's (or diagonal's) GEMM, cell and copy: 30–60 hand-offs per layer and image row, and on
/// the colour Row LSTM 11% of the CPU time in the kernel, waking threads.
struct RecurrenceRounds {
    /// Images per group: fixed, so the groups (and every sum over them) depend on the batch alone.
    /// Eight images of 32 pixels make 256 positions per row, a GEMM still long enough for oneDNN's
    /// kernels.
    static let imagesPerRound = 8

    /// Consecutive image ranges covering the batch.
    let images: [Range<Int>]

    init(batch: Int) {
        images = stride(from: 0, to: batch, by: Self.imagesPerRound).map { $0..<Swift.min($0 + Self.imagesPerRound, batch) }
    }

    /// Calls `body(round, images)` for every group: side by side, each on one thread, when there
    /// are several threads and groups; otherwise in order, each using all the threads.
    func run(_ body: (_ round: Int, _ images: Range<Int>) -> Void) {
        guard ComputeThreads.count > 1, ComputeThreads.spreads, images.count > 1 else {
            for (round, range) in images.enumerated() { body(round, range) }
            return
        }
        let images = self.images
        ComputeThreads.serially {
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: images.count) { round in body(round, images[round]) }
            }
        }
    }

    /// The sum of one `count`-float partial per group, stored one after another in `partials`,
    /// added in group order: the same bits on any number of threads.
    func sum(_ partials: UnsafeMutablePointer<Float>, count: Int, into total: UnsafeMutableBufferPointer<Float>) {
        total.update(repeating: 0)
        for round in images.indices {
            Kernels.addInPlace(total, UnsafeMutableBufferPointer(start: partials + round * count, count: count))
        }
    }
}
