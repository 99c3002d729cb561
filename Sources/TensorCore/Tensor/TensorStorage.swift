/// A contiguous, 64-byte aligned Float32 buffer owned by one or more tensors.
///
/// Alignment to a cache line lets BLAS and the vectorized loops use aligned loads; the buffer goes
/// back to the ``BufferPool`` when the last tensor that shares it goes away.
final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = BufferPool.allocate(count: count)
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(count: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit { BufferPool.release(pointer, count: count) }

    var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}
