/// The number format of GEMM operands: FP32, or bf16 with FP32 accumulation.
///
/// bf16 keeps FP32's exponent and 8 bits of its significand. Under ``bfloat16`` every GEMM rounds
/// its two operands to bf16 (round to nearest, ties to even) and accumulates their products in
/// FP32; the product of two bf16 numbers is exact in FP32, so only the rounding of the operands
/// and the order of the sum differ from FP32. Results, weights, optimizer state and losses stay FP32.
public enum GEMMPrecision: String, Sendable, CaseIterable {
    case float32 = "fp32"
    case bfloat16 = "bf16"

    /// The precision of the GEMMs that run now: process-wide, like ``ComputeThreads/count``. The
    /// trainer sets it for its training steps; evaluation runs in ``float32`` (``with(_:_:)``).
    public static var current: GEMMPrecision { state }

    nonisolated(unsafe) private static var state = GEMMPrecision.float32

    /// Sets the precision of every GEMM from now on. Call it before work starts.
    public static func set(_ precision: GEMMPrecision) { state = precision }

    /// Runs `body` with GEMMs in `precision`, then restores the precision before.
    public static func with<Result>(_ precision: GEMMPrecision, _ body: () throws -> Result) rethrows -> Result {
        let previous = state
        state = precision
        defer { state = previous }
        return try body()
    }

    /// Whether this CPU has bf16 dot-product instructions (AVX512_BF16 or AMX-BF16).
    public static var cpuHasBFloat16Instructions: Bool {
        CPUInfo.flags.contains("avx512_bf16") || CPUInfo.flags.contains("amx_bf16")
    }

    /// How this process runs bf16 GEMMs, for logs and reports: on oneDNN's bf16 kernels where the
    /// CPU has bf16 instructions, otherwise emulated (operands rounded to bf16, then an FP32 GEMM:
    /// the numbers of bf16 kernels up to the order of the sum, at FP32 speed or below).
    public static var bfloat16Execution: String {
        if BLAS.runsBFloat16Natively {
            return "bf16 GEMMs on \(OneDNNMatmul.instructionSet) kernels: operands in bf16, sums in FP32"
        }
        let reason: String
        if !cpuHasBFloat16Instructions {
            reason = "this CPU has no bf16 instructions (AVX512_BF16 or AMX-BF16)"
        } else if GEMMBackend.current != .oneDNN {
            reason = "the \(GEMMBackend.current.rawValue) GEMM backend has no bf16 kernels"
        } else {
            reason = "oneDNN runs \(OneDNNMatmul.instructionSet) kernels here, which have no bf16 dot products"
        }
        return "bf16 GEMMs emulated (\(reason)): operands are rounded to bf16 and multiplied in FP32, at FP32 speed or below"
    }
}

/// Rounding FP32 to the nearest bf16, ties to even, kept in FP32's layout (low 16 bits zero).
public enum BFloat16Rounding {
    /// `value` rounded to bf16. NaN stays NaN; values that round past the largest bf16 become ±∞.
    @inline(__always)
    static func round(_ value: Float) -> Float {
        let bits = value.bitPattern
        if value.isNaN { return Float(bitPattern: (bits | 0x0040_0000) & 0xFFFF_0000) }
        let tieBreak = (bits >> 16) & 1
        return Float(bitPattern: (bits &+ 0x7FFF &+ tieBreak) & 0xFFFF_0000)
    }

    /// `value` rounded to bf16, as bf16's 16 bits (the high half of FP32's), as oneDNN reads bf16.
    @inline(__always)
    public static func bits(_ value: Float) -> UInt16 {
        UInt16(truncatingIfNeeded: round(value).bitPattern >> 16)
    }

    /// Copies the `rows`×`columns` window of a matrix stored with leading dimension `stride` into
    /// a dense buffer (leading dimension `columns`), each value rounded to bf16.
    static func roundedCopy(of source: UnsafePointer<Float>, rows: Int, columns: Int, stride: Int,
                            into target: UnsafeMutablePointer<Float>) {
        nonisolated(unsafe) let (source, target) = (source, target)
        ComputeThreads.forEachChunk(rows * columns) { range in
            var row = range.lowerBound / columns, column = range.lowerBound % columns
            for index in range {
                target[index] = round(source[row * stride + column])
                column += 1
                if column == columns { column = 0; row += 1 }
            }
        }
    }
}
