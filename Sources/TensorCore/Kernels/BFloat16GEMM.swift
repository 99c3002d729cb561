/// GEMMs with bf16 operands and FP32 accumulation (``GEMMPrecision/bfloat16``), on bf16 kernels
/// where the CPU has them (``DenseBlockGEMM`` with bf16 operands) and emulated where it does not.
///
/// Both ways compute the same thing: each operand rounded to the nearest bf16 (ties to even), the
/// products summed in FP32 into an FP32 C. They differ only in the order of that sum.
enum BFloat16GEMM {
    /// On a CPU without bf16 instructions: both operands rounded to bf16 into dense FP32 copies,
    /// then the FP32 GEMM on the copies. The same numbers as bf16 kernels up to the order of the
    /// sum, at FP32's speed or a little below.
    static func emulated(_ layout: GEMMLayout, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         beta: Float, c: UnsafeMutablePointer<Float>) {
        let shapes = StoredShapes(layout)
        let roundedA = BufferPool.allocate(count: shapes.aCount), roundedB = BufferPool.allocate(count: shapes.bCount)
        defer {
            BufferPool.release(roundedA, count: shapes.aCount)
            BufferPool.release(roundedB, count: shapes.bCount)
        }
        BFloat16Rounding.roundedCopy(of: a, rows: shapes.aRows, columns: shapes.aColumns, stride: layout.lda, into: roundedA)
        BFloat16Rounding.roundedCopy(of: b, rows: shapes.bRows, columns: shapes.bColumns, stride: layout.ldb, into: roundedB)
        GEMMPrecision.with(.float32) {
            BLAS.gemm(shapes.denseLayout(of: layout), alpha: alpha, a: roundedA, b: roundedB, beta: beta, c: c)
        }
    }

    /// The stored shapes of a GEMM's operands: A is m×k (k×m when transposed), B is k×n (n×k).
    struct StoredShapes {
        let aRows: Int, aColumns: Int, bRows: Int, bColumns: Int
        var aCount: Int { aRows * aColumns }
        var bCount: Int { bRows * bColumns }

        init(_ layout: GEMMLayout) {
            (aRows, aColumns) = layout.transposeA ? (layout.k, layout.m) : (layout.m, layout.k)
            (bRows, bColumns) = layout.transposeB ? (layout.n, layout.k) : (layout.k, layout.n)
        }

        /// `layout` on dense copies of its operands: each leading dimension its stored row's length.
        func denseLayout(of layout: GEMMLayout) -> GEMMLayout {
            GEMMLayout(transposeA: layout.transposeA, transposeB: layout.transposeB, m: layout.m, n: layout.n, k: layout.k,
                       lda: aColumns, ldb: bColumns, ldc: layout.ldc)
        }
    }
}
