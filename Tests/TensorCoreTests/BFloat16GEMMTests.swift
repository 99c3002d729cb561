import XCTest
@testable import TensorCore

/// bf16 GEMMs: operands rounded to the nearest bf16 (ties to even), products summed in FP32.
final class BFloat16GEMMTests: XCTestCase {
    override func tearDown() {
        GEMMPrecision.set(.float32)
        ComputeThreads.set(1)
    }

    /// Rounding keeps 8 significant bits, breaks ties to even, and keeps NaN and infinities.
    func testRoundingToNearestEven() {
        XCTAssertEqual(BFloat16Rounding.round(1), 1)
        XCTAssertEqual(BFloat16Rounding.round(-3.5), -3.5)
        let ulp: Float = 1.0 / 128   // bf16's spacing in [1, 2)
        XCTAssertEqual(BFloat16Rounding.round(1 + ulp / 2), 1, "a tie rounds to the even neighbour 1")
        XCTAssertEqual(BFloat16Rounding.round(1 + 3 * ulp / 2), 1 + 2 * ulp, "a tie rounds to the even neighbour 1 + 2⁻⁶")
        XCTAssertEqual(BFloat16Rounding.round(1 + ulp / 2 + ulp / 64), 1 + ulp, "above the tie rounds up")
        XCTAssertEqual(BFloat16Rounding.round(1 + ulp / 2 - ulp / 64), 1, "below the tie rounds down")
        XCTAssertEqual(BFloat16Rounding.round(.infinity), .infinity)
        XCTAssertEqual(BFloat16Rounding.round(Float.greatestFiniteMagnitude), .infinity, "past bf16's largest finite value")
        XCTAssert(BFloat16Rounding.round(.nan).isNaN)
        var generator = RandomGenerator(seed: 3)
        for value in Tensor.normal([1000], using: &generator).scalars {
            let rounded = BFloat16Rounding.round(value)
            XCTAssertEqual(rounded.bitPattern & 0xFFFF, 0)
            XCTAssertLessThanOrEqual(abs(rounded - value), abs(value) / 256 * 1.0001, "\(value) → \(rounded)")
        }
    }

    /// A bf16 GEMM equals the FP32 GEMM of the rounded operands (every transpose, α, β and a
    /// windowed leading dimension), and differs from the FP32 GEMM of the originals.
    func testBFloat16GEMMIsTheFP32ProductOfRoundedOperands() {
        var generator = RandomGenerator(seed: 8)
        let (m, n, k, pad) = (37, 45, 300, 2)
        let a = Tensor.normal([(m + pad) * (k + pad)], using: &generator).scalars
        let b = Tensor.normal([(k + pad) * (n + pad)], using: &generator).scalars
        let start = Tensor.normal([m * n], using: &generator).scalars
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            for (alpha, beta): (Float, Float) in [(1, 0), (0.5, 2)] {
                let lda = (transposeA ? m : k) + pad, ldb = (transposeB ? k : n) + pad
                func product(_ a: [Float], _ b: [Float], _ precision: GEMMPrecision) -> [Float] {
                    var c = start
                    GEMMPrecision.with(precision) {
                        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                  a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: n)
                    }
                    return c
                }
                let bf16 = product(a, b, .bfloat16)
                let roundedOperands = product(a.map(BFloat16Rounding.round), b.map(BFloat16Rounding.round), .float32)
                let fp32 = product(a, b, .float32)
                let label = "transposes \(transposeA) \(transposeB), α \(alpha), β \(beta)"
                XCTAssertEqual(bf16, roundedOperands, label)
                let largest = zip(bf16, fp32).map { abs($0 - $1) }.max() ?? 0
                XCTAssertGreaterThan(largest, 1e-3, "bf16 rounding left no trace: \(label)")
                XCTAssertLessThan(largest, 0.5, "bf16 strayed too far from FP32: \(label)")
            }
        }
    }

    /// The split across threads keeps the bits in bf16 as in FP32.
    func testBFloat16GEMMDoesNotDependOnTheThreadCount() {
        var generator = RandomGenerator(seed: 9)
        let (m, n, k) = (128, 400, 784)
        let a = Tensor.normal([m * k], using: &generator).scalars, b = Tensor.normal([n * k], using: &generator).scalars
        var results: [[Float]] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var c = [Float](repeating: 0, count: m * n)
            GEMMPrecision.with(.bfloat16) {
                BLAS.gemm(transposeA: false, transposeB: true, m: m, n: n, k: k, a: a, b: b, c: &c)
            }
            results.append(c)
        }
        XCTAssertEqual(results[0], results[1])
    }
}
