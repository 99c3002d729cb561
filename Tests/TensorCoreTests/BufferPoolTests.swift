import XCTest
@testable import TensorCore

final class BufferPoolTests: XCTestCase {
    /// A stand-in address for the pool's books, which never touch the buffers.
    func fake(_ address: Int) -> UnsafeMutablePointer<Float> { UnsafeMutablePointer<Float>(bitPattern: address)! }

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
        // The pool keeps up to the process's peak of live buffers, which earlier tests may have
        // raised: the burst's own books are checked here, and the limit on the whole pool below.
        var books = BufferPool.State()
        let (oldClass, burstClass) = (BufferPool.sizeClass(of: oldCount), BufferPool.sizeClass(of: burstCount))
        XCTAssertGreaterThan((3 * burstClass + oldClass) * 4, BufferPool.capacityBytes, "the test needs the four buffers to overfill the pool")
        XCTAssertNil(books.take(sizeClass: oldClass).reused)
        XCTAssertEqual(books.giveBack(fake(64), sizeClass: oldClass), [])
        for _ in 0..<3 { XCTAssertNil(books.take(sizeClass: burstClass).reused) }
        let freed = [128, 192, 256].flatMap { books.giveBack(fake($0), sizeClass: burstClass) }
        XCTAssertEqual(freed, [fake(64)], "the oldest buffer is freed to make room")
        XCTAssertLessThanOrEqual(books.cachedBytes, Swift.max(BufferPool.capacityBytes, books.peakLiveBytes))
        XCTAssertGreaterThanOrEqual(BufferPool.currentLimit, BufferPool.capacityBytes)
        XCTAssertEqual(Set(books.free[burstClass]!.map(\.pointer)), Set([128, 192, 256].map(fake)), "the newest buffers stay in the pool")
    }

    /// A process that has had more live at once than the capacity may cache that much: a step
    /// finds all of its buffers again, yet cached and live together never exceed the peak.
    func testThePoolKeepsWhatTheProcessHadLiveAtOnce() {
        var books = BufferPool.State()
        let step = 50 << 20   // floats: 200 MiB buffers, four live at once (800 MiB, above the capacity)
        for _ in 0..<4 { XCTAssertNil(books.take(sizeClass: step).reused) }
        let freed = [64, 128, 192, 256].flatMap { books.giveBack(fake($0), sizeClass: step) }
        XCTAssertEqual(freed, [], "800 MiB were live at once: the pool keeps them all")
        XCTAssertEqual(books.cachedBytes, 800 << 20)
        // The next step reuses every one of them.
        XCTAssertEqual(Set((0..<4).compactMap { _ in books.take(sizeClass: step).reused }), Set([64, 128, 192, 256].map(fake)))
        _ = [64, 128, 192, 256].flatMap { books.giveBack(fake($0), sizeClass: step) }
        // A new size (300 MiB) while nothing else is live: room is made so that cached and live
        // stay within the peak of 800 MiB.
        let other = books.take(sizeClass: 75 << 20)
        XCTAssertNil(other.reused)
        XCTAssertEqual(other.evicted, [fake(64), fake(128)], "the two longest-waiting buffers are freed")
        XCTAssertLessThanOrEqual(books.cachedBytes + books.liveBytes, books.peakLiveBytes)
    }
}
