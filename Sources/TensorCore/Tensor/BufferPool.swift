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
enum BufferPool {
    /// Buffers smaller than this come straight from malloc, which is fast for them.
    static let minimumPooledCount = 1024
    /// The most memory the pool keeps for reuse.
    static let capacityBytes = 512 << 20

    /// A free buffer and when it was returned.
    private struct Cached {
        let pointer: UnsafeMutablePointer<Float>
        let returned: UInt64
    }

    private struct State {
        /// Free buffers by size class (in floats), oldest first.
        var free: [Int: [Cached]] = [:]
        var cachedBytes = 0
        /// Counts returns, to order buffers by age.
        var clock: UInt64 = 0

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
            let reused = state.withLock { state -> UnsafeMutablePointer<Float>? in
                // The newest of the class: the likeliest to be in cache still.
                guard let cached = state.free[capacity]?.popLast() else { return nil }
                state.cachedBytes -= capacity * MemoryLayout<Float>.stride
                return cached.pointer
            }
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
    /// the longest-waiting buffers if that puts the pool over its capacity.
    static func release(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        guard count >= minimumPooledCount else {
            UnsafeMutableRawPointer(pointer).deallocate()
            return
        }
        let capacity = sizeClass(of: count)
        let evicted = state.withLock { state -> [UnsafeMutablePointer<Float>] in
            state.clock += 1
            state.free[capacity, default: []].append(Cached(pointer: pointer, returned: state.clock))
            state.cachedBytes += capacity * MemoryLayout<Float>.stride
            return state.evict(downTo: capacityBytes)
        }
        for buffer in evicted { UnsafeMutableRawPointer(buffer).deallocate() }
    }

    /// Whether `pointer` is waiting in the pool for reuse.
    static func isCached(_ pointer: UnsafeMutablePointer<Float>) -> Bool {
        state.withLock { $0.free.values.contains { $0.contains { $0.pointer == pointer } } }
    }

    /// Bytes currently held for reuse.
    static var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}
