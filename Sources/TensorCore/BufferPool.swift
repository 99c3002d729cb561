import Foundation

/// Recycles freed tensor buffers by exact element count.
///
/// A training step allocates the same buffer sizes every time. Freeing a large buffer returns
/// its pages to the kernel, and the next step's allocation faults every page in again: PyTorch
/// spends about a third of its CPU time on such page faults here. Keeping freed buffers for reuse
/// removes that cost. The pool holds at most ``capacityBytes``; beyond that buffers are freed.
enum BufferPool {
    /// Buffers smaller than this come straight from malloc, which is fast for them.
    static let minimumPooledCount = 1024
    /// The most memory the pool keeps for reuse.
    static let capacityBytes = 512 << 20

    private struct State {
        var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
        var cachedBytes = 0
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

    /// A buffer of `count` floats (uninitialized), reused when one of that size is free.
    static func allocate(count: Int) -> UnsafeMutablePointer<Float> {
        if count >= minimumPooledCount {
            let reused = state.withLock { state -> UnsafeMutablePointer<Float>? in
                guard let pointer = state.free[count]?.popLast() else { return nil }
                state.cachedBytes -= count * MemoryLayout<Float>.stride
                return pointer
            }
            if let reused { return reused }
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        return raw.bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// Returns a buffer from `allocate` for reuse, or frees it when the pool is full.
    static func release(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        let bytes = count * MemoryLayout<Float>.stride
        if count >= minimumPooledCount {
            let kept = state.withLock { state -> Bool in
                guard state.cachedBytes + bytes <= capacityBytes else { return false }
                state.free[count, default: []].append(pointer)
                state.cachedBytes += bytes
                return true
            }
            if kept { return }
        }
        UnsafeMutableRawPointer(pointer).deallocate()
    }

    /// Bytes currently held for reuse.
    static var cachedBytes: Int { state.withLock { $0.cachedBytes } }
}
