import XCTest
@testable import TensorCore

final class BufferPoolTests: XCTestCase {
    func testSizeClassesWasteAtMostAQuarter() {
        XCTAssertEqual(BufferPool.sizeClass(of: 0), 1)
        XCTAssertEqual(BufferPool.sizeClass(of: 1000), 1000, "small buffers are not rounded")
        XCTAssertEqual(BufferPool.sizeClass(of: 1024), 1024)
        XCTAssertEqual(BufferPool.sizeClass(of: 1025), 1280)
        XCTAssertEqual(BufferPool.sizeClass(of: 2047), 2048)
        XCTAssertEqual(BufferPool.sizeClass(of: 2049), 2560)
        for count in stride(from: 1024, to: 10_000_000, by: 9973) {
            let capacity = BufferPool.sizeClass(of: count)
            XCTAssertGreaterThanOrEqual(capacity, count)
            XCTAssertLessThanOrEqual(Double(capacity), 1.25 * Double(count), "\(count) → \(capacity)")
        }
    }

    /// A buffer freed at one size serves a later request of a different size in the same class:
    /// the sentence models' logits change shape every batch.
    func testBuffersOfNeighbouringSizesAreReused() {
        let first = BufferPool.allocate(count: 40_000)
        BufferPool.release(first, count: 40_000)
        let second = BufferPool.allocate(count: 40_500)
        XCTAssertEqual(second, first, "40,000 and 40,500 floats share the class of \(BufferPool.sizeClass(of: 40_000))")
        second.update(repeating: 1, count: 40_500)   // the whole request is usable
        BufferPool.release(second, count: 40_500)
    }

    /// Over capacity, the pool frees the buffers that waited longest and keeps the ones just
    /// returned: the sizes a step still uses survive a burst of others.
    func testFullPoolEvictsTheOldestBuffers() {
        let burstCount = 40_000_000, oldCount = 20_000_000   // classes of 160 MiB and 80 MiB
        XCTAssertGreaterThan((3 * BufferPool.sizeClass(of: burstCount) + BufferPool.sizeClass(of: oldCount)) * 4,
                             BufferPool.capacityBytes, "the test needs the four buffers to overfill the pool")
        let old = BufferPool.allocate(count: oldCount)
        BufferPool.release(old, count: oldCount)
        XCTAssert(BufferPool.isCached(old))
        let burst = (0..<3).map { _ in BufferPool.allocate(count: burstCount) }
        for buffer in burst { BufferPool.release(buffer, count: burstCount) }
        XCTAssertLessThanOrEqual(BufferPool.cachedBytes, BufferPool.capacityBytes)
        XCTAssertFalse(BufferPool.isCached(old), "the oldest buffer was freed to make room")
        XCTAssert(burst.allSatisfy(BufferPool.isCached), "the newest buffers stay in the pool")
    }
}
