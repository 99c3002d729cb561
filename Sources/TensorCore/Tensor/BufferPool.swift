import Foundation

/// Recycles freed tensor buffers by size class.
///
/// A training step allocates much the same buffer sizes every time. Freeing a large buffer
/// returns its pages to the kernel, and the next step's allocation faults every page in again:
/// PyTorch spends about a third of its CPU time on such page faults here. Keeping freed buffers
/// for reuse removes that cost.
///
/// Not every model repeats its sizes exactly: a sentence batch's logits are [M, V] with M the
/// batch's token count, different every step. So sizes are rounded up to a class (four classes
/// per power of two, at most 25% extra), and when the pool is over ``capacityBytes`` it frees the
/// buffers that have waited longest, not the one just returned: the sizes still in use stay.
/// Pooled by exact size and refusing new buffers when full, the sentence VAE faulted in about
/// 22 MB of fresh pages per batch (6% of its time); now it faults almost none.
///
/// The pool may keep more than ``capacityBytes`` when the process has already had that much live
/// at once: cached and live buffers together stay within the largest total of live buffers seen
/// (``State/peakLiveBytes``). A step whose tensors peak at 1.4 GB (a colour PixelRNN's) then finds
/// all of them again in the next step instead of faulting in the part beyond 512 MiB, and the
/// process's peak memory does not grow: the pool only holds on to pages the process had anyway.
enum BufferPool {
    /// Buffers smaller than this come straight from malloc, which is fast for them.
    static let minimumPooledCount = 1024
    /// The memory the pool keeps for reuse whatever the process's peak.
    static let capacityBytes = 512 << 20

    /// A free buffer and when it was returned.
    struct Cached {
        let pointer: UnsafeMutablePointer<Float>
        let returned: UInt64
    }

    /// The pool's books: free buffers, cached and live bytes. Pure bookkeeping (it never touches
    /// the buffers), so tests can run it on its own.
    struct State {
        /// Free buffers by size class (in floats), oldest first.
        var free: [Int: [Cached]] = [:]
        var cachedBytes = 0
        /// Bytes of pooled-size buffers handed out and not yet returned, and the most there were.
        var liveBytes = 0, peakLiveBytes = 0
        /// Counts returns, to order buffers by age.
        var clock: UInt64 = 0

        /// The most the pool may cache while `live` bytes are in use: what keeps cached + live
        /// within the peak of live bytes, and never less than ``capacityBytes``.
        func limit(whileLive live: Int) -> Int { Swift.max(capacityBytes, peakLiveBytes - live) }

        /// A request for a buffer of `sizeClass` floats: a cached one to reuse (the newest of the
        /// class, the likeliest to be in cache still) or nil, when the caller allocates a fresh one
        /// after freeing `evicted`, which makes room so that cached and live stay within the limit.
        mutating func take(sizeClass: Int) -> (reused: UnsafeMutablePointer<Float>?, evicted: [UnsafeMutablePointer<Float>]) {
            let bytes = sizeClass * MemoryLayout<Float>.stride
            liveBytes += bytes
            peakLiveBytes = Swift.max(peakLiveBytes, liveBytes)
            if let cached = free[sizeClass]?.popLast() {
                cachedBytes -= bytes
                return (cached.pointer, [])
            }
            return (nil, evict(downTo: limit(whileLive: liveBytes)))
        }

        /// Takes back a buffer of `sizeClass` floats; returns the longest-waiting buffers to free
        /// if the pool is now over its limit.
        mutating func giveBack(_ pointer: UnsafeMutablePointer<Float>, sizeClass: Int) -> [UnsafeMutablePointer<Float>] {
            let bytes = sizeClass * MemoryLayout<Float>.stride
            clock += 1
            free[sizeClass, default: []].append(Cached(pointer: pointer, returned: clock))
            cachedBytes += bytes
            liveBytes -= bytes
            return evict(downTo: limit(whileLive: liveBytes))
        }

        /// Removes the buffers that have waited longest until at most `limit` bytes are cached,
        /// and hands them back for freeing.
        mutating func evict(downTo limit: Int) -> [UnsafeMutablePointer<Float>] {
            var evicted: [UnsafeMutablePointer<Float>] = []
            while cachedBytes > limit {
                var oldest: (size: Int, returned: UInt64)?
                for (size, buffers) in free {
                    if let first = buffers.first, first.returned < oldest?.returned ?? .max { oldest = (size, first.returned) }
                }
                guard let size = oldest?.size else { break }
                evicted.append(free[size]!.removeFirst().pointer)
                cachedBytes -= size * MemoryLayout<Float>.stride
            }
            return evicted
        }
    }

    /// The free lists, behind a lock: tensors may be freed on any thread.
    private final class LockedState: @unchecked Sendable {
        private let lock = NSLock()
        private var state = State()

        func withLock<Result>(_ body: (inout State) -> Result) -> Result {
            lock.lock()
            defer { lock.unlock() }
            return body(&state)
        }
    }

    private static let state = LockedState()

    /// A buffer of at least `count` floats (uninitialized), reused when one of its class is free.
    static func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        let capacity = sizeClass(of: count)
        if count >= minimumPooledCount {
            let (reused, evicted) = state.withLock { $0.take(sizeClass: capacity) }
            for buffer in evicted { UnsafeMutableRawPointer(buffer).deallocate() }
            if let reused { return reused }
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: capacity)
    }

    /// The floats actually allocated for a request of `count`: `count` itself below
    /// ``minimumPooledCount``, else `count` rounded up to a multiple of a quarter of the largest
    /// power of two not above it (1024, 1280, 1536, 1792, 2048, 2560, …).
    static func sizeClass(of count: Int) -> Int {
        guard count >= minimumPooledCount else { return Swift.max(count, 1) }
        let step = (1 << (Int.bitWidth - 1 - count.leadingZeroBitCount)) / 4
        return (count + step - 1) / step * step
    }

    /// Takes back a buffer from `allocate` (with the `count` it was asked for) for reuse; frees
    /// the longest-waiting buffers if that puts the pool over its limit.
    static func release(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= minimumPooledCount else {
            UnsafeMutableRawPointer(pointer).deallocate()
            return
        }
        let evicted = state.withLock { $0.giveBack(pointer, sizeClass: sizeClass(of: count)) }
        for buffer in evicted { UnsafeMutableRawPointer(buffer).deallocate() }
    }

    /// Whether `pointer` is waiting in the pool for reuse.
    static func isCached(_ pointer: UnsafeMutablePointer<Float>) -> Bool {
        state.withLock { $0.free.values.contains { $0.contains { $0.pointer == pointer } } }
    }

    /// Bytes currently held for reuse.
    static var cachedBytes: Int { state.withLock { $0.cachedBytes } }

    /// The most the pool may cache now: ``capacityBytes``, or more after the process has had more
    /// live at once than it has now.
    static var currentLimit: Int { state.withLock { $0.limit(whileLive: $0.liveBytes) } }
}
