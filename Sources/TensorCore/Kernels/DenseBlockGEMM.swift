import CKernels

/// GEMM blocks whose operands are dense matrices, for oneDNN's "brgemm" matmul kernels: every GEMM
/// with bf16 operands (which are packed anyway), and FP32 GEMMs on dense matrices where oneDNN
/// has brgemm kernels (``OneDNNMatmul/runsAVX512Kernels``).
///
/// On AVX-512 CPUs oneDNN 2.6 runs a matmul on its brgemm kernels only when every operand is dense
/// (each stored row its own length). A block of C cut from a larger product is a window of it, as
/// is a transposed operand's block, and oneDNN sends such windows to its older "gemm:jit" kernels:
/// on an Intel Xeon with AVX512_BF16, one thread, 128×200×784 ran at 132 GFLOP/s dense and about
/// 60 as windows, and with bf16 operands at 75 against 21. So here each block's operands are made
/// dense first: the operand every block reads whole is copied once (when it is a window, or to
/// pack bf16), the operand the blocks cut is copied per block by the thread that runs the block,
/// and a block of C that is a window is computed into a dense buffer and then added into C. The
/// copies move O(m·k + k·n + m·n) values against the blocks' O(m·n·k) multiply-adds.
///
/// The blocks (``GEMMBlocks/denseBlocks(_:)``) depend on the shape alone, so results stay
/// independent of the thread count.
enum DenseBlockGEMM {
    /// The number format the operands are multiplied in.
    enum Format {
        case float32, bfloat16
    }

    /// C = α·op(A)·op(B) + β·C with `layout`'s strides, each block on dense operands in `format`.
    static func multiply(_ layout: GEMMLayout, alpha: Float, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                         beta: Float, c: UnsafeMutablePointer<Float>, format: Format) {
        let blocks = GEMMBlocks.denseBlocks(layout)
        let cutsRows = blocks.count > 1 && blocks[0].rows.count < layout.m
        let cutsColumns = blocks.count > 1 && !cutsRows
        let wholeA = Window.a(of: layout, base: a, rows: 0..<layout.m)
        let wholeB = Window.b(of: layout, base: b, columns: 0..<layout.n)
        // The operand every block reads whole, made dense once.
        let sharedA = cutsRows ? nil : DenseOperand(wholeA, format: format, sharingOutCopy: true)
        let sharedB = cutsColumns ? nil : DenseOperand(wholeB, format: format, sharingOutCopy: true)
        defer {
            sharedA?.release()
            sharedB?.release()
        }
        nonisolated(unsafe) let (a, b, c) = (a, b, c)
        BLAS.forEach(blocks) { block in
            let blockA = sharedA ?? DenseOperand(Window.a(of: layout, base: a, rows: block.rows), format: format)
            let blockB = sharedB ?? DenseOperand(Window.b(of: layout, base: b, columns: block.columns), format: format)
            defer {
                if sharedA == nil { blockA.release() }
                if sharedB == nil { blockB.release() }
            }
            multiply(block, of: layout, alpha: alpha, a: blockA, b: blockB, beta: beta, c: c)
        }
    }

    /// One block: C[block] = α·op(A)[rows, :]·op(B)[:, columns] + β·C[block] on dense operands,
    /// through a dense buffer when C's block is a window.
    private static func multiply(_ block: GEMMBlock, of layout: GEMMLayout, alpha: Float, a: DenseOperand,
                                 b: DenseOperand, beta: Float, c: UnsafeMutablePointer<Float>) {
        let (m, n, k) = (block.rows.count, block.columns.count, layout.k)
        let cStart = c + block.rows.lowerBound * layout.ldc + block.columns.lowerBound
        let cIsDense = n == layout.ldc || m == 1
        let product = GEMMLayout(transposeA: layout.transposeA, transposeB: layout.transposeB, m: m, n: n, k: k,
                                 lda: layout.transposeA ? m : k, ldb: layout.transposeB ? k : n, ldc: n)
        let whole = GEMMBlock(rows: 0..<m, columns: 0..<n)
        if cIsDense {
            product.multiplyOnOneDNN(whole, alpha: alpha, operands: a.operands(with: b), beta: beta, c: cStart)
            return
        }
        let dense = BufferPool.allocate(count: m * n)
        defer { BufferPool.release(dense, count: m * n) }
        product.multiplyOnOneDNN(whole, alpha: alpha, operands: a.operands(with: b), beta: 0, c: dense)
        for row in 0..<m {
            let source = dense + row * n, target = cStart + row * layout.ldc
            if beta == 0 {
                target.update(from: source, count: n)
            } else {
                for column in 0..<n { target[column] = source[column] + beta * target[column] }
            }
        }
    }

    /// A window of a row-major matrix: `rows`×`columns` values, stored rows `stride` floats apart.
    struct Window {
        let base: UnsafePointer<Float>
        let rows: Int, columns: Int, stride: Int

        var isDense: Bool { stride == columns || rows == 1 }
        var count: Int { rows * columns }

        /// The stored part of A that C's `rows` read: those rows of A (m×k), or those columns of
        /// the stored k×m matrix when A is transposed.
        static func a(of layout: GEMMLayout, base: UnsafePointer<Float>, rows: Range<Int>) -> Window {
            layout.transposeA
                ? Window(base: base + rows.lowerBound, rows: layout.k, columns: rows.count, stride: layout.lda)
                : Window(base: base + rows.lowerBound * layout.lda, rows: rows.count, columns: layout.k, stride: layout.lda)
        }

        /// The stored part of B that C's `columns` read: those columns of B (k×n), or those rows
        /// of the stored n×k matrix when B is transposed.
        static func b(of layout: GEMMLayout, base: UnsafePointer<Float>, columns: Range<Int>) -> Window {
            layout.transposeB
                ? Window(base: base + columns.lowerBound * layout.ldb, rows: columns.count, columns: layout.k, stride: layout.ldb)
                : Window(base: base + columns.lowerBound, rows: layout.k, columns: columns.count, stride: layout.ldb)
        }
    }

    /// A window as a dense matrix in the multiplication's format: the window itself when it is
    /// dense FP32, otherwise a copy in a pooled buffer (two bf16 values per float).
    struct DenseOperand {
        let values: UnsafeRawPointer
        let format: Format
        /// The pooled buffer and its length in floats, when the operand is a copy.
        private let copy: (buffer: UnsafeMutablePointer<Float>, floats: Int)?

        /// - Parameter sharingOutCopy: copy on the engine's threads, for an operand made once
        ///   before the blocks run (a block's own operand is copied by the one thread running it).
        init(_ window: Window, format: Format, sharingOutCopy: Bool = false) {
            self.format = format
            if format == .float32 && window.isDense {
                values = UnsafeRawPointer(window.base)
                copy = nil
                return
            }
            let floats = format == .float32 ? window.count : (window.count + 1) / 2
            let buffer = BufferPool.allocate(count: floats)
            nonisolated(unsafe) let target = UnsafeMutableRawPointer(buffer)
            let copyRows = { (rows: Range<Int>) in
                for row in rows {
                    let source = window.base + row * window.stride
                    switch format {
                    case .float32:
                        (target.assumingMemoryBound(to: Float.self) + row * window.columns).update(from: source, count: window.columns)
                    case .bfloat16:
                        latent_bf16_bits(source, target.assumingMemoryBound(to: UInt16.self) + row * window.columns, window.columns)
                    }
                }
            }
            if sharingOutCopy && ComputeThreads.spreads {
                ComputeThreads.forEachChunk(window.rows, minimumPerChunk: max(1, ComputeThreads.parallelThreshold / window.columns), copyRows)
            } else {
                copyRows(0..<window.rows)
            }
            values = UnsafeRawPointer(buffer)
            copy = (buffer, floats)
        }

        func release() {
            if let copy { BufferPool.release(copy.buffer, count: copy.floats) }
        }

        /// The pair as oneDNN's operands.
        func operands(with b: DenseOperand) -> GEMMOperands {
            switch format {
            case .float32: .float32(values.assumingMemoryBound(to: Float.self), b.values.assumingMemoryBound(to: Float.self))
            case .bfloat16: .bfloat16(values.assumingMemoryBound(to: UInt16.self), b.values.assumingMemoryBound(to: UInt16.self))
            }
        }
    }
}
