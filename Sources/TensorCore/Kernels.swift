/// Elementwise loops over raw buffers, split across ``ComputeThreads`` above a size threshold.
///
/// These are the only loops the hot path runs outside BLAS. They work on unsafe buffer pointers so
/// that release builds vectorize them; callers guarantee the counts match.
enum Kernels {
    /// `out[i] = f(a[i])`.
    @inline(__always)
    static func map(_ a: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                    _ f: (Float) -> Float) {
        let a = a.baseAddress!, o = out.baseAddress!
        nonisolated(unsafe) let (src, dst) = (a, o)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { dst[i] = f(src[i]) }
        }
    }

    /// `out[i] = f(a[i], b[i])`.
    @inline(__always)
    static func zip(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                    into out: UnsafeMutableBufferPointer<Float>, _ f: (Float, Float) -> Float) {
        nonisolated(unsafe) let (x, y, dst) = (a.baseAddress!, b.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { dst[i] = f(x[i], y[i]) }
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`.
    @inline(__always)
    static func zip3(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                     _ c: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                     _ f: (Float, Float, Float) -> Float) {
        nonisolated(unsafe) let (x, y, z, dst) = (a.baseAddress!, b.baseAddress!, c.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { dst[i] = f(x[i], y[i], z[i]) }
        }
    }

    static func add(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                    into out: UnsafeMutableBufferPointer<Float>) {
        zip(a, b, into: out, +)
    }

    /// `a[i] += b[i]`.
    static func addInPlace(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>) {
        zip(a, b, into: a, +)
    }

    /// Sum of all values, accumulated in Double per chunk so large tensors keep Float32 precision.
    static func sum(_ a: UnsafeMutableBufferPointer<Float>) -> Float {
        nonisolated(unsafe) let src = a.baseAddress!
        let chunks = ComputeThreads.chunkCount(a.count)
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { partial in
            nonisolated(unsafe) let partial = partial
            ComputeThreads.forEachChunk(a.count, chunks: chunks) { chunk, range in
                // Float blocks of 256 vectorize; Double across blocks keeps the error small.
                var total: Double = 0
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + 256, range.upperBound)
                    var block: Float = 0
                    for i in start..<end { block += src[i] }
                    total += Double(block)
                    start = end
                }
                partial[chunk] = total
            }
        }
        return Float(partial.reduce(0, +))
    }
}
