import CBLAS

/// The GEMM kernel: C = α·op(A)·op(B) + β·C on row-major buffers, through OpenBLAS's cblas_sgemm.
/// Transposes are passed as flags and never materialized.
enum BLAS {
    /// - Parameters:
    ///   - m, n, k: op(A) is m×k, op(B) is k×n, C is m×n.
    ///   - a, b: row-major; A is m×k (k×m when `transposeA`), B is k×n (n×k when `transposeB`).
    @inline(__always)
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        _ = BLASRuntime.configured
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // An empty inner dimension contributes nothing; BLAS would reject lda = 0.
            if beta == 0 { c.update(repeating: 0, count: m * n) } else { for i in 0..<(m * n) { c[i] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transposeA ? m : k),
                    b, Int32(transposeB ? k : n),
                    beta, c, Int32(n))
    }

    /// Runs `body` with OpenBLAS on one thread, then restores the previous count: for callers that
    /// run GEMMs side by side on threads of their own (``RoundRunner``), where OpenBLAS's threads
    /// would only contend with them. The count is process-wide, so a GEMM that another task runs
    /// meanwhile also runs on one thread; it stays correct.
    static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        _ = BLASRuntime.configured
        let previous = openblas_get_num_threads()
        guard previous > 1 else { return try body() }
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previous) }
        return try body()
    }

    /// y = α·op(A)·x + β·y for a row-major m×n matrix A.
    @inline(__always)
    static func gemv(transpose: Bool, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                     x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        _ = BLASRuntime.configured
        guard m > 0, n > 0 else { return }
        cblas_sgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha,
                    a, Int32(n), x, 1, beta, y, 1)
    }
}
