/// Elementwise loops over raw buffers, split across ``ComputeThreads`` above a size threshold.
///
/// The function applied per element is a value of a small struct type rather than a closure:
/// each loop is then specialized for it and the function inlined, so release builds vectorize
/// the loop even inside the per-thread chunk closure, which the optimizer cannot see through.
protocol UnaryFunction { func callAsFunction(_ x: Float) -> Float }
protocol BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float }
protocol TernaryFunction { func callAsFunction(_ a: Float, _ b: Float, _ c: Float) -> Float }

struct Add: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
struct Subtract: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
struct Multiply: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
struct Divide: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }

/// x ↦ scale·x + shift.
struct ScaleShift: UnaryFunction {
    let scale: Float, shift: Float
    func callAsFunction(_ x: Float) -> Float { scale * x + shift }
}

enum Kernels {
    /// `out[i] = f(a[i])`.
    @inline(__always)
    static func map<F: UnaryFunction>(_ a: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, _ f: F) {
        nonisolated(unsafe) let (x, o) = (a.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { o[i] = f(x[i]) }
        }
    }

    /// `out[i] = f(a[i], b[i])`.
    @inline(__always)
    static func zip<F: BinaryFunction>(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                                       into out: UnsafeMutableBufferPointer<Float>, _ f: F) {
        nonisolated(unsafe) let (x, y, o) = (a.baseAddress!, b.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { o[i] = f(x[i], y[i]) }
        }
    }

    /// `out[i] = f(a[i], b[i], c[i])`.
    @inline(__always)
    static func zip3<F: TernaryFunction>(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                                         _ c: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>, _ f: F) {
        nonisolated(unsafe) let (x, y, z, o) = (a.baseAddress!, b.baseAddress!, c.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            for i in range { o[i] = f(x[i], y[i], z[i]) }
        }
    }

    static func add(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>,
                    into out: UnsafeMutableBufferPointer<Float>) {
        zip(a, b, into: out, Add())
    }

    /// `a[i] += b[i]`.
    static func addInPlace(_ a: UnsafeMutableBufferPointer<Float>, _ b: UnsafeMutableBufferPointer<Float>) {
        zip(a, b, into: a, Add())
    }

    /// Sum of `count` contiguous values with eight-lane partial sums (a sequential Float loop does
    /// not vectorize, because reassociating it would change the result).
    @inline(__always)
    static func contiguousSum(_ source: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(source + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += source[i]; i += 1 }
        return total
    }

    /// Sum of all values. Eight-lane SIMD partial sums per 1024-element block, blocks added in
    /// Double: fast, and accurate to about one Float32 rounding even for 10⁷ elements.
    static func sum(_ a: UnsafeMutableBufferPointer<Float>) -> Float {
        nonisolated(unsafe) let source = a.baseAddress!
        let chunks = ComputeThreads.chunkCount(a.count)
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { partial in
            nonisolated(unsafe) let partial = partial
            ComputeThreads.forEachChunk(a.count, chunks: chunks) { chunk, range in
                var total: Double = 0
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = min(start + 1024, range.upperBound)
                    total += Double(contiguousSum(source + start, count: end - start))
                    start = end
                }
                partial[chunk] = total
            }
        }
        return Float(partial.reduce(0, +))
    }
}
