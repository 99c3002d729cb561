import Dispatch
import Foundation

/// How ``ShiftedTapConvolution`` spreads a batch over the threads: fixed chunks of a few images,
/// handed out one at a time to whichever thread is free.
///
/// ``RoundRunner`` deals each thread a fixed half of the batch, so the op ends when the slower
/// half ends; on a shared machine one core is often slowed (another process, steal time), and the
/// other then waits. Measured on PixelCNN's step at two threads: the cores were idle about 9% of
/// the time, mostly at the end of each op's halves. Here the last thread to finish waits for at
/// most one chunk.
///
/// Results do not depend on the thread count or timing: each image's output is computed alone,
/// and sums over images (weight and bias gradients) are accumulated per chunk, in image order,
/// into a buffer of the chunk's own, then the chunks' sums are added in chunk order
/// (``combine(_:count:)``). The chunks are the same for every thread count.
struct ShiftedTapScheduler {
    /// Images per chunk. Small enough that the wait at the end of an op is short (a chunk of the
    /// 3×3 mask-B layer's backward pass is about 3 ms), large enough that the per-chunk gradient
    /// sums (O·T·C floats each) stay few. Task-local so tests can vary it.
    @TaskLocal static var imagesPerChunk = 4

    /// The chunks of images, in order.
    let chunks: [Range<Int>]
    /// Threads that take chunks; per-worker scratch buffers are indexed by the worker.
    let workers: Int

    init(batch: Int) {
        let size = Swift.max(1, Self.imagesPerChunk)
        chunks = stride(from: 0, to: batch, by: size).map { $0..<Swift.min($0 + size, batch) }
        workers = Swift.max(1, Swift.min(ComputeThreads.count, chunks.count))
    }

    /// Calls `body(worker, chunk, images)` once for every chunk, with worker in 0..<workers. A
    /// worker runs its chunks one after another on one thread, so per-worker state needs no
    /// locking; which worker gets which chunk depends on timing, so nothing computed may depend
    /// on the worker beyond scratch space.
    func run(_ body: (_ worker: Int, _ chunk: Int, _ images: Range<Int>) -> Void) {
        guard workers > 1 else {
            for (index, images) in chunks.enumerated() { body(0, index, images) }
            return
        }
        let chunks = self.chunks, workers = self.workers
        let queue = ChunkQueue(count: chunks.count)
        ComputeThreads.serially {
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let body = body
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    while let index = queue.next() { body(worker, index, chunks[index]) }
                }
            }
        }
    }

    /// One zeroed buffer of `count` floats per chunk, chunk i's at offset i·count: the partial
    /// sums over each chunk's images.
    func makeChunkSums(count: Int) -> TensorStorage {
        TensorStorage(repeating: 0, count: chunks.count * count)
    }

    /// Σ over chunks, in chunk order, of the `count`-float partial sums in `sums`.
    func combine(_ sums: TensorStorage, count: Int) -> TensorStorage {
        guard !chunks.isEmpty else { return TensorStorage(repeating: 0, count: count) }   // an empty batch
        let total = TensorStorage(count: count)
        let target = total.pointer, source = sums.pointer
        target.update(from: source, count: count)
        // Element by element the additions run in chunk order, however the elements are split.
        ComputeThreads.forEachChunk(count) { range in
            for chunk in 1..<chunks.count {
                let partial = source + chunk * count
                for index in range { target[index] += partial[index] }
            }
        }
        return total
    }
}

/// The next chunk index to hand out, under a lock: a chunk is milliseconds of work, so the lock
/// costs nothing measurable.
private final class ChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var taken = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < count else { return nil }
        taken += 1
        return taken - 1
    }
}
