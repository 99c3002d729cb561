import XCTest
@testable import TensorCore

/// A GEMM split across threads into blocks of C's rows or columns gives exactly the unsplit result,
/// for every combination of transposes, and the right product.
final class SplitGEMMTests: XCTestCase {
    override func tearDown() { ComputeThreads.set(1) }

    func testSplitEqualsUnsplitForEveryTransposeAndShape() {
        var generator = RandomGenerator(seed: 21)
        // Tall (split by rows) and wide (split by columns), both above the splitting threshold.
        for (m, n, k) in [(300, 40, 200), (40, 300, 200), (129, 257, 130)] {
            XCTAssertGreaterThanOrEqual(2 * m * n * k, BLAS.minimumSplitWork)
            for transposeA in [false, true] {
                for transposeB in [false, true] {
                    let a = Tensor.uniform([m * k], using: &generator).scalars
                    let b = Tensor.uniform([k * n], using: &generator).scalars
                    let start = Tensor.uniform([m * n], using: &generator).scalars
                    func product(threads: Int) -> [Float] {
                        ComputeThreads.set(threads)
                        var c = start
                        c.withUnsafeMutableBufferPointer { c in
                            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5,
                                      a: a, b: b, beta: 2, c: c.baseAddress!)
                        }
                        return c
                    }
                    let (one, two) = (product(threads: 1), product(threads: 2))
                    let name = "\(m)×\(n)×\(k), transposes \(transposeA) \(transposeB)"
                    XCTAssertEqual(one.map(\.bitPattern), two.map(\.bitPattern), "\(name): the split changed the result")
                    // Spot-check entries against the definition, in Double.
                    for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3)] {
                        var sum = 0.0
                        for p in 0..<k {
                            let aValue = transposeA ? a[p * m + i] : a[i * k + p]
                            let bValue = transposeB ? b[j * k + p] : b[p * n + j]
                            sum += Double(aValue) * Double(bValue)
                        }
                        let expected = 0.5 * sum + 2 * Double(start[i * n + j])
                        XCTAssertEqual(Double(two[i * n + j]), expected, accuracy: 1e-3 * max(1, abs(expected)), "\(name) at (\(i), \(j))")
                    }
                }
            }
        }
    }
}
