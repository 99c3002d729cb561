import CKernels

/// The elementwise kernels of `Sources/CKernels`, compiled for baseline x86-64, AVX2 and AVX-512
/// and chosen once by what the CPU supports, so the portable build's transcendental loops run at
/// the CPU's vector width (a Swift loop in the portable build vectorizes to SSE's four lanes only).
/// `LATENT_ELEMENTWISE_ISA=baseline|avx2|avx512` forces a variant, for tests and comparisons.
public enum VectorKernels {
    /// The instruction set of the variant in use: "baseline", "avx2" or "avx512".
    public static var instructionSet: String {
        switch latent_elementwise_isa() {
        case LATENT_ISA_AVX512: "avx512"
        case LATENT_ISA_AVX2: "avx2"
        default: "baseline"
        }
    }

    /// A loop y[i] = f(x[i]) over `count` floats; x and y do not overlap.
    typealias Loop = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void

    static let exp: Loop = { latent_exp($0, $1, $2) }
    static let sigmoid: Loop = { latent_sigmoid($0, $1, $2) }
    static let tanh: Loop = { latent_tanh($0, $1, $2) }

    /// x[i] = σ(x[i]) for i < count.
    @inline(__always)
    static func sigmoidInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) { latent_sigmoid_in_place(x, count) }

    /// x[i] = tanh(x[i]) for i < count.
    @inline(__always)
    static func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int) { latent_tanh_in_place(x, count) }

    /// The softmax of each column of a `rows` × `columns` block whose rows lie `xStride` floats
    /// apart: `largest[j]` = maxᵢ x[i][j], `exps[i][j]` = e^(x[i][j] − largest[j]) (rows
    /// `expsStride` apart) and `sum[j]` = Σᵢ exps[i][j]. A column whose largest value is not finite
    /// leaves its exps and sum meaningless. x and exps do not overlap.
    @inline(__always)
    static func softmaxColumns(_ x: UnsafePointer<Float>, xStride: Int, exps: UnsafeMutablePointer<Float>, expsStride: Int,
                               rows: Int, columns: Int, largest: UnsafeMutablePointer<Float>, sum: UnsafeMutablePointer<Float>) {
        latent_softmax_columns(x, xStride, exps, expsStride, rows, columns, largest, sum)
    }

    /// `out[i] = f(a[i])` with the loop split across ``ComputeThreads`` as ``Kernels/map(_:into:_:)`` splits it.
    static func map(_ loop: Loop, _ a: UnsafeMutableBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>) {
        nonisolated(unsafe) let (x, o) = (a.baseAddress!, out.baseAddress!)
        ComputeThreads.forEachChunk(out.count) { range in
            loop(x + range.lowerBound, o + range.lowerBound, range.count)
        }
    }
}
