import CBLAS
import Dispatch
import Foundation

/// The library that computes the engine's GEMMs.
public enum GEMMBackend: String, Sendable, CaseIterable {
    /// oneDNN's matmul primitive: kernels chosen by instruction set (``OneDNNMatmul``).
    case oneDNN = "onednn"
    /// OpenBLAS's cblas_sgemm: kernels chosen by a table of CPU models (``BLASRuntime``).
    case openBLAS = "openblas"

    /// The environment variable that picks a backend for one process, for comparisons.
    public static let variable = "LATENT_GEMM_BACKEND"

    /// oneDNN, unless ``variable`` names another backend or oneDNN cannot make a CPU engine.
    public static let current: GEMMBackend = {
        if let name = ProcessInfo.processInfo.environment[variable], let chosen = GEMMBackend(rawValue: name.lowercased()) {
            return chosen
        }
        return OneDNNMatmul.engine == nil ? .openBLAS : .oneDNN
    }()
}

/// The GEMM kernel: C = α·op(A)·op(B) + β·C on row-major buffers, through oneDNN's matmul or
/// OpenBLAS's cblas_sgemm (``GEMMBackend``). Transposes are passed as flags and never materialized.
enum BLAS {
    /// - Parameters:
    ///   - m, n, k: op(A) is m×k, op(B) is k×n, C is m×n.
    ///   - a, b: row-major; A is m×k (k×m when `transposeA`), B is k×n (n×k when `transposeB`).
    ///
    /// OpenBLAS itself always runs on one thread (see ``ComputeThreads/set(_:)``). A large GEMM is
    /// split here instead, into one block of C's rows per engine thread, each block a
    /// single-threaded cblas_sgemm. The blocks are cut where OpenBLAS's kernels keep each
    /// element's summation order (``GEMMSplit``), so the split changes no bit of the result.
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
        if GEMMPrecision.current == .bfloat16 {
            if runsBFloat16Natively {
                return DenseBlockGEMM.multiply(layout, alpha: alpha, a: a, b: b, beta: beta, c: c, format: .bfloat16)
            }
            return BFloat16GEMM.emulated(layout, alpha: alpha, a: a, b: b, beta: beta, c: c)
        }
        if GEMMBackend.current == .oneDNN { return oneDNNGEMM(layout, alpha: alpha, a: a, b: b, beta: beta, c: c) }
        let blocks = GEMMSplit.rowBlocks(layout, parts: ComputeThreads.spreads ? ComputeThreads.count : 1,
                                         granule: BLASRuntime.rowGranule)
        guard blocks.count > 1 else {
            layout.multiply(rows: 0..<m, alpha: alpha, a: a, b: b, beta: beta, c: c)
            return
        }
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        DispatchQueue.concurrentPerform(iterations: blocks.count) { block in
            layout.multiply(rows: blocks[block], alpha: alpha, a: a, b: b, beta: beta, c: c)
        }
    }

    /// The GEMM on oneDNN: cut into the blocks its shape alone decides (``GEMMBlocks``), which the
    /// engine's threads share out, each block one single-threaded oneDNN call. Dense products go
    /// to ``DenseBlockGEMM`` where oneDNN's fastest kernels take dense operands only; windows of
    /// larger buffers (the shifted planes of convolutions) stay windows: copying them cost a
    /// PixelCNN's step more than the faster kernels gained.
    private static func oneDNNGEMM(_ layout: GEMMLayout, alpha: Float, a: UnsafePointer<Float>,
                                   b: UnsafePointer<Float>, beta: Float, c: UnsafeMutablePointer<Float>) {
        if OneDNNMatmul.runsAVX512Kernels && layout.isDense {
            return DenseBlockGEMM.multiply(layout, alpha: alpha, a: a, b: b, beta: beta, c: c, format: .float32)
        }
        if layout.hasConflictingTransposedRows {
            // Stored A is k×m; copy it with a padded stride and multiply the copy.
            let stride = layout.m + 16
            let padded = BufferPool.allocate(count: layout.k * stride)
            defer { BufferPool.release(padded, count: layout.k * stride) }
            nonisolated(unsafe) let (source, target) = (a, padded)
            ComputeThreads.forEachChunk(layout.k, minimumPerChunk: max(1, (1 << 15) / layout.m)) { rows in
                for row in rows { (target + row * stride).update(from: source + row * layout.lda, count: layout.m) }
            }
            let copied = GEMMLayout(transposeA: true, transposeB: layout.transposeB, m: layout.m, n: layout.n, k: layout.k,
                                    lda: stride, ldb: layout.ldb, ldc: layout.ldc)
            return oneDNNGEMM(copied, alpha: alpha, a: padded, b: b, beta: beta, c: c)
        }
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        forEachBlock(of: layout) { block in
            layout.multiplyOnOneDNN(block, alpha: alpha, operands: .float32(a, b), beta: beta, c: c)
        }
    }

    /// Runs `body` for each block of the GEMM's C (``GEMMBlocks``, fixed by the shape), the blocks
    /// shared out over the engine's threads.
    static func forEachBlock(of layout: GEMMLayout, _ body: (GEMMBlock) -> Void) {
        forEach(GEMMBlocks.blocks(m: layout.m, n: layout.n, k: layout.k), body)
    }

    /// Runs `body` for each of `blocks`, shared out over the engine's threads.
    static func forEach(_ blocks: [GEMMBlock], _ body: (GEMMBlock) -> Void) {
        let threads = ComputeThreads.spreads ? min(ComputeThreads.count, blocks.count) : 1
        guard threads > 1 else {
            for block in blocks { body(block) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for index in stride(from: thread, to: blocks.count, by: threads) { body(blocks[index]) }
            }
        }
    }

    /// Whether bf16 GEMMs run on bf16 kernels (``OneDNNMatmul/runsBFloat16Natively``) rather than
    /// emulated.
    static var runsBFloat16Natively: Bool { GEMMBackend.current == .oneDNN && OneDNNMatmul.runsBFloat16Natively }

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

/// The operands of a GEMM as oneDNN reads them: FP32 values, or bf16 bits (``BFloat16Rounding``).
enum GEMMOperands {
    case float32(UnsafePointer<Float>, UnsafePointer<Float>)
    case bfloat16(UnsafePointer<UInt16>, UnsafePointer<UInt16>)
}

/// The shape of one row-major GEMM and how a block of C's rows maps to offsets in A and C, with
/// the leading dimensions of the whole matrices.
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

    /// Whether A, B and C are stored densely: each leading dimension its stored row's length.
    var isDense: Bool {
        lda == (transposeA ? m : k) && ldb == (transposeB ? k : n) && ldc == n
    }

    /// A transposed A whose stored rows lie a multiple of 2 KiB apart, with many of them: oneDNN's
    /// AVX2 SGEMM reads such an A through a few cache sets and slows to less than half its rate
    /// (1024×256×640: 39 GFLOP/s on one core with 1024 floats between rows, 89 with 1040; 512 rows:
    /// 63). ``BLAS`` copies such an A with a padded stride first, at the cost of one pass over it.
    var hasConflictingTransposedRows: Bool {
        transposeA && m >= 512 && lda % 512 == 0
    }

    /// C[block] = α·op(A)[block's rows, :]·op(B)[:, block's columns] + β·C[block] on oneDNN. For a
    /// shape oneDNN refuses (none known: a safety net, not a path), FP32 operands go to OpenBLAS
    /// and bf16 ones are widened to FP32 (exactly) first.
    func multiplyOnOneDNN(_ block: GEMMBlock, alpha: Float, operands: GEMMOperands, beta: Float,
                          c: UnsafeMutablePointer<Float>) {
        let (rows, columns) = (block.rows, block.columns)
        // Elements, whichever their size: op(A)'s first row of the block, op(B)'s first column.
        let aOffset = transposeA ? rows.lowerBound : rows.lowerBound * lda
        let bOffset = transposeB ? columns.lowerBound * ldb : columns.lowerBound
        let cStart = c + rows.lowerBound * ldc + columns.lowerBound
        var key = OneDNNMatmul.Key(transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                                   lda: lda, ldb: ldb, ldc: ldc, alpha: alpha, beta: beta)
        switch operands {
        case let .float32(a, b):
            if OneDNNMatmul.multiply(key, a: a + aOffset, b: b + bOffset, c: cStart) { return }
            cblas_sgemm(CblasRowMajor,
                        transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(rows.count), Int32(columns.count), Int32(k), alpha,
                        a + aOffset, Int32(lda), b + bOffset, Int32(ldb), beta, cStart, Int32(ldc))
        case let .bfloat16(a, b):
            key.bfloat16Operands = true
            if OneDNNMatmul.multiply(key, a: a + aOffset, b: b + bOffset, c: cStart) { return }
            // bf16 operands are dense copies (``DenseBlockGEMM``): each stored row its own length.
            let shapes = BFloat16GEMM.StoredShapes(self)
            let (aCount, bCount) = (shapes.aCount, shapes.bCount)
            let wideA = BufferPool.allocate(count: aCount), wideB = BufferPool.allocate(count: bCount)
            defer {
                BufferPool.release(wideA, count: aCount)
                BufferPool.release(wideB, count: bCount)
            }
            for index in 0..<aCount { wideA[index] = Float(bitPattern: UInt32(a[index]) << 16) }
            for index in 0..<bCount { wideB[index] = Float(bitPattern: UInt32(b[index]) << 16) }
            multiplyOnOneDNN(block, alpha: alpha, operands: .float32(wideA, wideB), beta: beta, c: c)
        }
    }

    /// C[rows, :] = α·op(A)[rows, :]·op(B) + β·C[rows, :].
    func multiply(rows: Range<Int>, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                  beta: Float, c: UnsafeMutablePointer<Float>) {
        // Row i of op(A) is stored row i of A, or column i of the stored k×m matrix.
        let aStart = a + (transposeA ? rows.lowerBound : rows.lowerBound * lda)
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows.count), Int32(n), Int32(k), alpha,
                    aStart, Int32(lda),
                    b, Int32(ldb),
                    beta, c + rows.lowerBound * ldc, Int32(ldc))
    }
}

extension GEMMBackend {
    /// The backend in use as logs and reports name it: "oneDNN 2.6.3, AVX2 kernels" or
    /// "OpenBLAS Haswell kernels".
    public static var summary: String {
        current == .oneDNN ? OneDNNMatmul.description : "OpenBLAS \(BLASRuntime.coreName) kernels"
    }
}
