import XCTest
@testable import TensorCore

/// ``ShiftedTapScheduler``: chunks handed out dynamically to the threads, with gradient sums that
/// do not depend on the thread count or on which thread took which chunk.
final class ShiftedTapSchedulerTests: XCTestCase {
    override func tearDown() { ComputeThreads.set(1) }

    /// [y, dx, dW, db] of a masked convolution and of the fused residual block on the shifted-tap
    /// path, for 11 images (not a multiple of the chunk size).
    static func run(seed: UInt64) -> [[Float]] {
        ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
            let mask = KernelMask.causal(.b, size: 3)
            let plain = ResidualMaskedConvolutionTests.run(n: 11, c: 6, h: 5, w: 7, mask: mask, bias: true, seed: seed) { x, weight, bias in
                x.maskedConv2d(weight: weight, bias: bias, mask: mask)
            }
            let block = ResidualMaskedConvolutionTests.run(n: 11, c: 6, h: 5, w: 7, mask: mask, bias: true, seed: seed) { x, weight, bias in
                x.residualMaskedConv2d(weight: weight, bias: bias, mask: mask)
            }
            return plain + block
        }
    }

    /// Bit-identical results on 1, 2 and 3 threads, and across repeated runs on 2 threads (where
    /// the chunks go to whichever thread is free).
    func testResultsDoNotDependOnThreadsOrTiming() {
        ComputeThreads.set(1)
        let one = Self.run(seed: 70)
        for threads in [2, 3, 2, 2] {
            ComputeThreads.set(threads)
            XCTAssertEqual(Self.run(seed: 70), one, "\(threads) threads")
        }
    }

    /// Any chunk size gives the same values up to summation order, down to a chunk per image and
    /// up to one chunk for the whole batch.
    func testChunkSizesAgree() {
        ComputeThreads.set(2)
        let reference = ShiftedTapScheduler.$imagesPerChunk.withValue(100) { Self.run(seed: 71) }
        for size in [1, 3, 4] {
            let chunked = ShiftedTapScheduler.$imagesPerChunk.withValue(size) { Self.run(seed: 71) }
            for (index, (a, b)) in zip(chunked, reference).enumerated() {
                XCTAssertEqual(a.count, b.count)
                let worst = zip(a, b).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
                XCTAssertLessThanOrEqual(worst, 1e-5, "chunk size \(size), result \(index)")
            }
        }
    }

    /// Chunks cover the batch in order, and their sums are added in chunk order: with partial sums
    /// 1e8, 1, −1e8 that gives (1e8 + 1) − 1e8 = 0 in Float, where another order would give 1.
    func testChunksAndTheirSumsKeepTheirOrder() {
        ComputeThreads.set(2)
        let scheduler = ShiftedTapScheduler.$imagesPerChunk.withValue(2) { ShiftedTapScheduler(batch: 5) }
        XCTAssertEqual(scheduler.chunks, [0..<2, 2..<4, 4..<5])
        XCTAssertEqual(scheduler.workers, 2)
        let sums = scheduler.makeChunkSums(count: 2)
        for (index, value) in [Float(1e8), 7, 1, 0, -1e8, 5].enumerated() { sums.pointer[index] = value }
        let total = scheduler.combine(sums, count: 2)
        XCTAssertEqual(Self.values(total), [0, 12])
        let empty = ShiftedTapScheduler(batch: 0)
        XCTAssertEqual(Self.values(empty.combine(empty.makeChunkSums(count: 3), count: 3)), [0, 0, 0])
    }

    /// The floats of `storage`, read while it is alive (the pool reuses a released buffer at once).
    static func values(_ storage: TensorStorage) -> [Float] {
        withExtendedLifetime(storage) { Array(storage.buffer) }
    }

    /// Every chunk runs exactly once, on some worker, on any thread count.
    func testEveryChunkRunsOnce() {
        for threads in [1, 2, 4] {
            ComputeThreads.set(threads)
            let scheduler = ShiftedTapScheduler.$imagesPerChunk.withValue(3) { ShiftedTapScheduler(batch: 40) }
            let counts = TensorStorage(repeating: 0, count: scheduler.chunks.count)
            nonisolated(unsafe) let pointer = counts.pointer
            scheduler.run { worker, chunk, images in
                XCTAssertLessThan(worker, scheduler.workers)
                XCTAssertEqual(images, scheduler.chunks[chunk])
                pointer[chunk] += 1
            }
            XCTAssertEqual(Self.values(counts), Array(repeating: 1, count: 14), "\(threads) threads")
        }
    }
}
