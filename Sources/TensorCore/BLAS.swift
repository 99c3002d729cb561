import CBLAS
import Dispatch

/// The GEMM kernel: C = α·op(A)·op(B) + β·C on row-major buffers, through OpenBLAS's cblas_sgemm.
/// Transposes are passed as flags and never materialized.
enum BLAS {
    /// - Parameters:
    ///   - m, n, k: op(A) is m×k, op(B) is k×n, C is m×n.
    ///   - a, b: row-major; A is m×k (k×m when `transposeA`), B is k×n (n×k when `transposeB`).
    ///
    /// OpenBLAS itself always runs on one thread (see ``ComputeThreads/set(_:)``). A large GEMM is
    /// split here instead, into one block of C's rows or columns per engine thread, each block a
    /// single-threaded cblas_sgemm. Every element of C is still one thread's full dot product in
    /// OpenBLAS's order, so the split changes no result.
    @inline(__always)
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        gemm(GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k),
             alpha: alpha, a: a, b: b, beta: beta, c: c)
    }

    /// The same with explicit leading dimensions (floats between consecutive stored rows), for
    /// matrices that are windows of larger buffers: the shifted planes of ``ShiftedTapConvolution``.
    @inline(__always)
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        gemm(GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc),
             alpha: alpha, a: a, b: b, beta: beta, c: c)
    }

    static func gemm(_ layout: GEMMLayout, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     beta: Float, c: UnsafeMutablePointer<Float>) {
        _ = BLASRuntime.configured
        let (m, n, k) = (layout.m, layout.n, layout.k)
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // An empty inner dimension contributes nothing; BLAS would reject lda = 0.
            for row in 0..<m {
                let line = c + row * layout.ldc
                if beta == 0 { line.update(repeating: 0, count: n) } else { for j in 0..<n { line[j] *= beta } }
            }
            return
        }
        let parts = splitting ? Swift.min(ComputeThreads.count, Swift.max(m, n) / minimumSplitSide) : 1
        guard parts > 1, 2 * m * n * k >= minimumSplitWork else {
            layout.multiply(rows: 0..<m, columns: 0..<n, alpha: alpha, a: a, b: b, beta: beta, c: c)
            return
        }
        // Split the longer side of C, so each block keeps the other side whole.
        let splitRows = m >= n
        let length = splitRows ? m : n
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let range = (length * part / parts)..<(length * (part + 1) / parts)
            layout.multiply(rows: splitRows ? range : 0..<m, columns: splitRows ? 0..<n : range,
                            alpha: alpha, a: a, b: b, beta: beta, c: c)
        }
    }

    /// GEMMs below this many flops (2mnk) run in one piece: splitting costs a few microseconds.
    static let minimumSplitWork = 1 << 22
    /// Each block of a split GEMM keeps at least this many rows or columns of C.
    static let minimumSplitSide = 16

    /// False while ``singleThreaded(_:)`` runs: its caller already spreads work over the threads.
    nonisolated(unsafe) static var splitting = true

    /// Runs `body` with every GEMM in one piece on the calling thread: for callers that run GEMMs
    /// side by side on threads of their own (``RoundRunner``). The switch is process-wide, so a GEMM
    /// that another task runs meanwhile also runs in one piece; it stays correct.
    static func singleThreaded<Result>(_ body: () throws -> Result) rethrows -> Result {
        let previous = splitting
        splitting = false
        defer { splitting = previous }
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

/// The shape of one row-major GEMM and how a block of C's rows or columns maps to offsets in A, B
/// and C, with the leading dimensions of the whole matrices.
struct GEMMLayout {
    let transposeA: Bool, transposeB: Bool
    let m: Int, n: Int, k: Int
    /// Floats between consecutive stored rows of A, B and C.
    let lda: Int, ldb: Int, ldc: Int

    /// Densely stored matrices: each leading dimension is its stored row's length.
    init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int) {
        self.init(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  lda: transposeA ? m : k, ldb: transposeB ? k : n, ldc: n)
    }

    init(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int) {
        precondition(lda >= (transposeA ? m : k) && ldb >= (transposeB ? k : n) && ldc >= n,
                     "GEMMLayout: leading dimensions \(lda), \(ldb), \(ldc) shorter than the rows of \(m)×\(n)×\(k)")
        self.transposeA = transposeA
        self.transposeB = transposeB
        self.m = m
        self.n = n
        self.k = k
        self.lda = lda
        self.ldb = ldb
        self.ldc = ldc
    }

    /// C[rows, columns] = α·op(A)[rows, :]·op(B)[:, columns] + β·C[rows, columns].
    func multiply(rows: Range<Int>, columns: Range<Int>, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                  beta: Float, c: UnsafeMutablePointer<Float>) {
        // Row i of op(A) is stored row i of A, or column i of the stored k×m matrix.
        let aStart = a + (transposeA ? rows.lowerBound : rows.lowerBound * lda)
        // Column j of op(B) is column j of the stored k×n matrix, or stored row j of the n×k one.
        let bStart = b + (transposeB ? columns.lowerBound * ldb : columns.lowerBound)
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(columns.count), Int32(k), alpha,
                    aStart, Int32(lda),
                    bStart, Int32(ldb),
                    beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
    }
}
