import XCTest
@testable import TensorCore

/// GEMM blocks on dense copies of their operands (``DenseBlockGEMM``) compute C = α·op(A)·op(B) + β·C
/// for every transpose, every way the blocks cut C, and operands and C that are windows of larger
/// buffers, in FP32 and with bf16 operands.
final class DenseBlockGEMMTests: XCTestCase {
    override func tearDown() {
        ComputeThreads.set(1)
    }

    /// Shapes whose blocks cut C's rows, cut its columns, and leave it whole.
    let shapes = [(m: 512, n: 16, k: 1024), (m: 16, n: 512, k: 1024), (m: 37, n: 45, k: 300)]

    func testEveryCutTransposeAndWindowGivesTheProduct() {
        ComputeThreads.set(2)
        for format in [DenseBlockGEMM.Format.float32, .bfloat16] {
            for (m, n, k) in shapes {
                for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
                    // Dense operands and C, then windows of wider buffers with α and β.
                    for (alpha, beta, pad): (Float, Float, Int) in [(1, 0, 0), (0.5, 2, 3)] {
                        checkProduct(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                     alpha: alpha, beta: beta, pad: pad, format: format)
                    }
                }
            }
        }
    }

    func testTheShapesCutAsIntended() {
        let (rows, columns, whole) = (shapes[0], shapes[1], shapes[2])
        XCTAssertEqual(GEMMBlocks.blocks(m: rows.m, n: rows.n, k: rows.k).map(\.rows), [0..<256, 256..<512])
        XCTAssertEqual(GEMMBlocks.blocks(m: columns.m, n: columns.n, k: columns.k).map(\.columns), [0..<256, 256..<512])
        XCTAssertEqual(GEMMBlocks.blocks(m: whole.m, n: whole.n, k: whole.k).count, 1)
    }

    /// A dense FP32 window is multiplied where it lies; a window with a longer stride, and any
    /// operand in bf16, is copied.
    func testOnlyWindowsAndBF16OperandsAreCopied() {
        let values = [Float](repeating: 1, count: 64)
        values.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            let dense = DenseBlockGEMM.DenseOperand(.init(base: base, rows: 4, columns: 8, stride: 8), format: .float32)
            XCTAssertEqual(dense.values, UnsafeRawPointer(base))
            let window = DenseBlockGEMM.DenseOperand(.init(base: base, rows: 4, columns: 8, stride: 16), format: .float32)
            XCTAssertNotEqual(window.values, UnsafeRawPointer(base))
            let bf16 = DenseBlockGEMM.DenseOperand(.init(base: base, rows: 4, columns: 8, stride: 8), format: .bfloat16)
            XCTAssertNotEqual(bf16.values, UnsafeRawPointer(base))
            XCTAssertEqual(bf16.values.load(as: UInt16.self), 0x3F80, "1.0 in bf16")
            for operand in [dense, window, bf16] { operand.release() }
        }
    }

    private func checkProduct(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, alpha: Float, beta: Float,
                              pad: Int, format: DenseBlockGEMM.Format) {
        var generator = RandomGenerator(seed: UInt64(m + 7 * n + 13 * k + pad))
        let (aRows, aColumns) = transposeA ? (k, m) : (m, k)
        let (bRows, bColumns) = transposeB ? (n, k) : (k, n)
        let (lda, ldb, ldc) = (aColumns + pad, bColumns + pad, n + pad)
        let a = Tensor.normal([aRows * lda], using: &generator).scalars
        let b = Tensor.normal([bRows * ldb], using: &generator).scalars
        let start = Tensor.normal([m * ldc], using: &generator).scalars
        var c = start
        let layout = GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb, ldc: ldc)
        DenseBlockGEMM.multiply(layout, alpha: alpha, a: a, b: b, beta: beta, c: &c, format: format)

        let operand: (Float) -> Double = format == .bfloat16 ? { Double(BFloat16Rounding.round($0)) } : { Double($0) }
        let label = "\(format) \(m)×\(n)×\(k), transposes \(transposeA) \(transposeB), α \(alpha), β \(beta), pad \(pad)"
        // op(A)'s rows and op(B)'s columns, each contiguous, for the exact sums in Double.
        let rowsOfA = (0..<m).map { i in (0..<k).map { p in operand(transposeA ? a[p * lda + i] : a[i * lda + p]) } }
        let columnsOfB = (0..<n).map { j in (0..<k).map { p in operand(transposeB ? b[j * ldb + p] : b[p * ldb + j]) } }
        var worst = 0.0
        for i in 0..<m {
            rowsOfA[i].withUnsafeBufferPointer { x in
                for j in 0..<n {
                    let (sum, magnitude) = columnsOfB[j].withUnsafeBufferPointer { y in
                        var sum = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            sum += x[p] * y[p]
                            magnitude += abs(x[p] * y[p])
                        }
                        return (sum, magnitude)
                    }
                    let initial = Double(start[i * ldc + j])
                    let expected = Double(alpha) * sum + Double(beta) * initial
                    let bound = 2 * Double(k + 2) * Double(Float.ulpOfOne) * (Double(abs(alpha)) * magnitude + Double(abs(beta)) * abs(initial))
                    worst = max(worst, abs(Double(c[i * ldc + j]) - expected) / bound)
                }
            }
            // The padding between C's rows is not touched.
            for j in n..<ldc where c[i * ldc + j] != start[i * ldc + j] {
                XCTFail("\(label): C's padding at row \(i), column \(j) changed")
            }
        }
        XCTAssertLessThanOrEqual(worst, 1, "\(label): an element is further from the exact product than rounding allows")
    }
}
