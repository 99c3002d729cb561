import Foundation
import XCTest
@testable import TensorCore
import TestSupport

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

    /// A bf16 GEMM is the FP32 GEMM of the rounded operands (every transpose, α, β and a windowed
    /// leading dimension): the same bits when emulated, the same up to the order of the FP32 sum on
    /// bf16 kernels; and it differs from the FP32 GEMM of the originals.
    func testBFloat16GEMMIsTheFP32ProductOfRoundedOperands() {
        var generator = RandomGenerator(seed: 8)
        let (m, n, k, pad) = (37, 45, 300, 2)
        let a = Tensor.normal([(m + pad) * (k + pad)], using: &generator).scalars
        let b = Tensor.normal([(k + pad) * (n + pad)], using: &generator).scalars
        let start = Tensor.normal([m * n], using: &generator).scalars
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            for (alpha, beta): (Float, Float) in [(1, 0), (0.5, 2)] {
                let lda = (transposeA ? m : k) + pad, ldb = (transposeB ? k : n) + pad
                func product(_ a: [Float], _ b: [Float], _ precision: GEMMPrecision, start: [Float] = start,
                             alpha: Float = alpha, beta: Float = beta) -> [Float] {
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
                // The bf16-kernel path called directly. Where oneDNN has no bf16 kernels it either
                // refuses each block, which is then widened back to FP32, or runs its own emulation:
                // the same terms, summed in another order.
                var direct = start
                DenseBlockGEMM.multiply(GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                                   lda: lda, ldb: ldb, ldc: n),
                                        alpha: alpha, a: a, b: b, beta: beta, c: &direct, format: .bfloat16)
                let label = "transposes \(transposeA) \(transposeB), α \(alpha), β \(beta)"
                // Another order of the same FP32 sum: each result within k rounding errors of the
                // sum of the terms' magnitudes.
                let magnitudes = product(a.map { abs(BFloat16Rounding.round($0)) }, b.map { abs(BFloat16Rounding.round($0)) },
                                         .float32, start: start.map(abs), alpha: abs(alpha), beta: abs(beta))
                for index in bf16.indices {
                    let bound = 2 * Float(k) * Float.ulpOfOne * magnitudes[index]
                    XCTAssertLessThanOrEqual(abs(direct[index] - roundedOperands[index]), bound, "direct: \(label), element \(index)")
                }
                if BLAS.runsBFloat16Natively {
                    for index in bf16.indices {
                        let bound = 2 * Float(k) * Float.ulpOfOne * magnitudes[index]
                        XCTAssertLessThanOrEqual(abs(bf16[index] - roundedOperands[index]), bound, "\(label), element \(index)")
                    }
                    XCTAssertEqual(zip(direct, bf16).filter { $0 != $1 }.count, 0, "elements differing: \(label)")
                } else {
                    XCTAssertEqual(bf16, roundedOperands, label)
                }
                let largest = zip(bf16, fp32).map { abs($0 - $1) }.max() ?? 0
                XCTAssertGreaterThan(largest, 1e-3, "bf16 rounding left no trace: \(label)")
                XCTAssertLessThan(largest, 0.5, "bf16 strayed too far from FP32: \(label)")
            }
        }
    }

    /// bf16 GEMMs run on bf16 kernels exactly where oneDNN's instruction set has bf16 dot
    /// products: on a CPU with AVX512_BF16 or AMX-BF16, unless `ONEDNN_MAX_CPU_ISA` holds oneDNN
    /// below them; everywhere else they are emulated, and the logs say which.
    func testBFloat16KernelsRunExactlyWhereTheCPUAndOneDNNHaveThem() {
        let limit = ProcessInfo.processInfo.environment["ONEDNN_MAX_CPU_ISA"]?.uppercased()
        let limitAllowsBF16 = limit.map { $0.contains("BF16") || $0.contains("AMX") || $0 == "ALL" } ?? true
        let expected = GEMMBackend.current == .oneDNN && GEMMPrecision.cpuHasBFloat16Instructions && limitAllowsBF16
        XCTAssertEqual(BLAS.runsBFloat16Natively, expected,
                       "CPU bf16 instructions \(GEMMPrecision.cpuHasBFloat16Instructions), ONEDNN_MAX_CPU_ISA \(limit ?? "unset"), oneDNN ISA \(OneDNNMatmul.instructionSet)")
        XCTAssertEqual(GEMMPrecision.bfloat16Execution.contains("emulated"), !expected, GEMMPrecision.bfloat16Execution)
    }

    /// With oneDNN held to AVX-512 without bf16 (`ONEDNN_MAX_CPU_ISA=AVX512_CORE`), bf16 GEMMs
    /// fall back to the emulation and give its exact numbers: checked in a child process, on any
    /// CPU (on one without AVX-512 the limit changes nothing and the emulation runs anyway).
    func testWithoutBF16KernelsTheGEMMsAreEmulated() throws {
        for test in ["testBFloat16KernelsRunExactlyWhereTheCPUAndOneDNNHaveThem", "testBFloat16GEMMIsTheFP32ProductOfRoundedOperands"] {
            try ChildTest.assertPasses("TensorCoreTests.BFloat16GEMMTests/\(test)", environment: ["ONEDNN_MAX_CPU_ISA": "AVX512_CORE"],
                                       label: "\(test) under ONEDNN_MAX_CPU_ISA=AVX512_CORE")
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
