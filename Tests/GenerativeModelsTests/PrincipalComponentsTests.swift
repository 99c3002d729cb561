@testable import GenerativeModels
import TensorCore
import XCTest

/// Principal components: known directions and variances are recovered, exactly for designed
/// point sets and within sampling error for random ones; projections and the sign convention.
final class PrincipalComponentsTests: XCTestCase {
    /// An orthonormal basis of R³ with no zero entries, so no direction is an axis.
    private let basis: [[Double]] = [[1, 2, 2], [2, 1, -2], [2, -2, 1]].map { $0.map { $0 / 3 } }

    /// Points mean + Σ_k c_k s_k u_k for every sign pattern c ∈ {−1, 1}^K (a full factorial
    /// design). Its sample covariance is exactly Σ_k σ_k² u_k u_kᵀ when s_k = σ_k √((n − 1)/n),
    /// n = 2^K: the coefficient columns are orthogonal, each with sum of squares n s_k².
    private func factorialPoints(mean: [Double], directions: [[Double]], variances: [Double]) -> [[Double]] {
        let k = directions.count, n = 1 << k
        let scales = variances.map { ($0 * Double(n - 1) / Double(n)).squareRoot() }
        return (0..<n).map { pattern in
            var point = mean
            for component in 0..<k {
                let sign: Double = pattern & (1 << component) == 0 ? -1 : 1
                for j in point.indices { point[j] += sign * scales[component] * directions[component][j] }
            }
            return point
        }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private func assertEqual(_ a: [Double], _ b: [Double], accuracy: Double, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(message): \(a) vs \(b)", file: file, line: line) }
    }

    func testDesignedPointsGiveTheirDirectionsAndVariancesExactly() throws {
        let mean = [5.0, -3.0, 0.5]
        let variances = [9.0, 4.0, 0.25]
        let points = factorialPoints(mean: mean, directions: basis, variances: variances)
        let pca = try PrincipalComponents(points: points)

        XCTAssertEqual(pca.sampleCount, 8)
        XCTAssertEqual(pca.dimension, 3)
        assertEqual(pca.mean, mean, accuracy: 1e-12, "mean")
        assertEqual(pca.variances, variances, accuracy: 1e-12, "variances")
        XCTAssertEqual(pca.totalVariance, 13.25, accuracy: 1e-12)
        assertEqual(pca.explainedVarianceRatios, variances.map { $0 / 13.25 }, accuracy: 1e-12, "ratios")
        for k in 0..<3 {
            // Each basis vector's first largest-magnitude entry is +2/3, so the sign convention
            // keeps them as written.
            assertEqual(pca.directions[k], basis[k], accuracy: 1e-12, "direction \(k)")
        }
    }

    func testKeepsOnlyTheRequestedComponents() throws {
        let points = factorialPoints(mean: [0, 0, 0], directions: basis, variances: [9, 4, 0.25])
        let pca = try PrincipalComponents(points: points, componentCount: 2)
        XCTAssertEqual(pca.componentCount, 2)
        assertEqual(pca.variances, [9, 4], accuracy: 1e-12, "variances")
        // The total still counts the dropped direction.
        XCTAssertEqual(pca.totalVariance, 13.25, accuracy: 1e-12)
        XCTAssertEqual(pca.project([1, 1, 1]).count, 2)
    }

    func testDiagonalCovarianceGivesAxesInOrderOfVariance() throws {
        // Independent coordinates with variances 1, 16, 0.01, 4: the axes, sorted by variance.
        let axes: [[Double]] = (0..<4).map { i in (0..<4).map { $0 == i ? 1 : 0 } }
        let variances = [1.0, 16, 0.01, 4]
        let points = factorialPoints(mean: [1, 2, 3, 4], directions: axes, variances: variances)
        let pca = try PrincipalComponents(points: points)
        assertEqual(pca.variances, [16, 4, 1, 0.01], accuracy: 1e-12, "variances")
        for (k, axis) in [1, 3, 0, 2].enumerated() {
            assertEqual(pca.directions[k], axes[axis], accuracy: 1e-12, "direction \(k)")
        }
    }

    func testRandomGaussianPointsRecoverDirectionsWithinSamplingError() throws {
        let d = 5, n = 20_000
        let sigmas: [Double] = [3, 2, 1, 0.5, 0.2]
        var generator = RandomGenerator(seed: 42)
        // A random orthonormal basis by Gram–Schmidt on Gaussian vectors.
        var directions: [[Double]] = []
        let raw = [Float](unsafeUninitializedCapacity: d * d) { buffer, count in
            generator.fillNormal(buffer); count = d * d
        }
        for i in 0..<d {
            var v = (0..<d).map { Double(raw[i * d + $0]) }
            for u in directions {
                let projection = dot(v, u)
                v = zip(v, u).map { $0 - projection * $1 }
            }
            let norm = dot(v, v).squareRoot()
            directions.append(v.map { $0 / norm })
        }
        let noise = [Float](unsafeUninitializedCapacity: n * d) { buffer, count in
            generator.fillNormal(buffer); count = n * d
        }
        let mean: [Double] = [10, -5, 0, 2, 1]
        var rows = [Float](repeating: 0, count: n * d)
        for row in 0..<n {
            var point = mean
            for k in 0..<d {
                let coefficient = sigmas[k] * Double(noise[row * d + k])
                for j in 0..<d { point[j] += coefficient * directions[k][j] }
            }
            for j in 0..<d { rows[row * d + j] = Float(point[j]) }
        }
        let pca = try PrincipalComponents(rows: rows, dimension: d)
        // The mean of N draws is within a few σ/√N ≤ 0.03 of the true one.
        assertEqual(pca.mean, mean, accuracy: 0.1, "mean")
        for k in 0..<d {
            // A sample variance of N Gaussian draws has relative standard error √(2/N) = 1 %;
            // 5 % is five standard errors.
            XCTAssertEqual(pca.variances[k], sigmas[k] * sigmas[k], accuracy: 0.05 * sigmas[k] * sigmas[k], "variance \(k)")
            // The direction error is about σ_j σ_k / (σ_k² − σ_j²) / √N for the nearest j: under 0.03 here.
            XCTAssertGreaterThan(abs(dot(pca.directions[k], directions[k])), 0.99, "direction \(k)")
            XCTAssertEqual(dot(pca.directions[k], pca.directions[k]), 1, accuracy: 1e-12)
            for j in 0..<k { XCTAssertEqual(dot(pca.directions[j], pca.directions[k]), 0, accuracy: 1e-12) }
        }
    }

    func testProjectionOfTheMeanIsZeroAndProjectionsAreUncorrelated() throws {
        let points = factorialPoints(mean: [5, -3, 0.5], directions: basis, variances: [9, 4, 0.25])
        let pca = try PrincipalComponents(points: points)
        assertEqual(pca.project(pca.mean), [0, 0, 0], accuracy: 1e-12, "mean")

        let projected = points.map(pca.project)
        for k in 0..<3 {
            let column = projected.map { $0[k] }
            XCTAssertEqual(column.reduce(0, +), 0, accuracy: 1e-10)
            XCTAssertEqual(column.reduce(0) { $0 + $1 * $1 } / 7, pca.variances[k], accuracy: 1e-10)
            for j in 0..<k {
                XCTAssertEqual(zip(column, projected.map { $0[j] }).reduce(0) { $0 + $1.0 * $1.1 }, 0, accuracy: 1e-10)
            }
        }
        let plane = pca.planeCoordinates(of: points)
        for (xy, full) in zip(plane, projected) {
            XCTAssertEqual(xy.x, full[0], accuracy: 1e-12)
            XCTAssertEqual(xy.y, full[1], accuracy: 1e-12)
        }
    }

    func testFlatFloatRowsMatchDoubleRows() throws {
        let points: [[Double]] = [[1, 2], [3, 5], [-2, 0.5], [4, 4]]
        let fromRows = try PrincipalComponents(rows: points.flatMap { $0.map(Float.init) }, dimension: 2)
        let fromPoints = try PrincipalComponents(points: points)
        XCTAssertEqual(fromRows, fromPoints)
        let plane = fromRows.planeCoordinates(ofRows: [1, 2, 3, 5])
        XCTAssertEqual(plane.count, 2)
        XCTAssertEqual(plane[1].x, fromPoints.project([3, 5])[0], accuracy: 1e-12)
    }

    func testSignConventionMakesTheLargestEntryPositive() throws {
        XCTAssertEqual(PrincipalComponents.withSignConvention([0.6, -0.8]), [-0.6, 0.8])
        XCTAssertEqual(PrincipalComponents.withSignConvention([0.6, 0.8]), [0.6, 0.8])
        // A tie in magnitude, even off by rounding, goes to the first entry.
        let s = 0.5.squareRoot()
        XCTAssertEqual(PrincipalComponents.withSignConvention([-s, s * (1 + 1e-15)]), [s, -s * (1 + 1e-15)])
        XCTAssertEqual(PrincipalComponents.withSignConvention([s * (1 + 1e-15), -s]), [s * (1 + 1e-15), -s])

        // Points along (−1, 3)/√10 give that direction, whose largest entry is positive, and
        // mirroring the data does not mirror it.
        let direction = [-1 / 10.0.squareRoot(), 3 / 10.0.squareRoot()]
        let line = (-3...3).map { t in direction.map { Double(t) * $0 } }
        for points in [line, line.map { $0.map { -$0 } }] {
            let pca = try PrincipalComponents(points: points)
            assertEqual(pca.directions[0], direction, accuracy: 1e-12, "direction")
            XCTAssertEqual(pca.variances[1], 0, accuracy: 1e-12)
            XCTAssertGreaterThanOrEqual(pca.variances[1], 0)
        }
    }

    func testDegenerateInputs() throws {
        // One point: nothing varies.
        let single = try PrincipalComponents(points: [[1, 2, 3]])
        XCTAssertEqual(single.variances, [0, 0, 0])
        XCTAssertEqual(single.explainedVarianceRatios, [0, 0, 0])
        XCTAssertEqual(single.project([1, 2, 3]), [0, 0, 0])
        // Identical points: the same, and the directions are still an orthonormal basis.
        let same = try PrincipalComponents(points: Array(repeating: [4, 4], count: 5))
        XCTAssertEqual(same.variances, [0, 0])
        XCTAssertEqual(same.directions, [[1, 0], [0, 1]])
        // One dimension: the plane coordinates put every y at 0.
        let line = try PrincipalComponents(points: [[1], [2], [4]])
        XCTAssertEqual(line.directions, [[1]])
        XCTAssertEqual(line.planeCoordinates(of: [[1], [4]]).map(\.y), [0, 0])
        assertEqual(line.planeCoordinates(of: [[1], [4]]).map(\.x), [-4.0 / 3, 5.0 / 3], accuracy: 1e-12, "x")
    }

    func testInvalidInputsThrowDescriptiveErrors() {
        func error(_ body: () throws(PrincipalComponentsError) -> PrincipalComponents) -> PrincipalComponentsError? {
            do { _ = try body(); return nil } catch { return error }
        }
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(points: []) }, .noPoints)
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(rows: [], dimension: 2) }, .noPoints)
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(points: [[], []]) }, .invalidDimension(0))
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(rows: [1, 2, 3], dimension: 2) },
                       .valueCountMismatch(valueCount: 3, dimension: 2))
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(points: [[1, 2], [3]]) },
                       .rowLengthMismatch(row: 1, expected: 2, found: 1))
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(rows: [1, 2, .nan, 4], dimension: 2) },
                       .nonFiniteValue(row: 1, column: 0))
        XCTAssertEqual(error { () throws(PrincipalComponentsError) in try PrincipalComponents(points: [[1, 2]], componentCount: 3) },
                       .invalidComponentCount(requested: 3, dimension: 2))
        XCTAssertEqual(PrincipalComponentsError.invalidComponentCount(requested: 3, dimension: 2).description,
                       "Cannot keep 3 principal components of 2-dimensional points (choose 1 to 2).")
    }

    func testEigendecompositionOfARandomSymmetricMatrix() {
        let n = 12
        var generator = RandomGenerator(seed: 7)
        let raw = [Float](unsafeUninitializedCapacity: n * n) { buffer, count in
            generator.fillNormal(buffer); count = n * n
        }
        var matrix = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { matrix[i * n + j] = Double(raw[i * n + j] + raw[j * n + i]) } }
        let eigen = SymmetricEigendecomposition(symmetric: matrix, dimension: n)
        XCTAssertEqual(eigen.values, eigen.values.sorted(by: >))
        // Trace is preserved, and A v = λ v for every pair.
        XCTAssertEqual(eigen.values.reduce(0, +), (0..<n).reduce(0) { $0 + matrix[$1 * n + $1] }, accuracy: 1e-10)
        for (value, vector) in zip(eigen.values, eigen.vectors) {
            for i in 0..<n {
                let product = (0..<n).reduce(0) { $0 + matrix[i * n + $1] * vector[$1] }
                XCTAssertEqual(product, value * vector[i], accuracy: 1e-10)
            }
        }
        for a in 0..<n { for b in 0..<n {
            XCTAssertEqual(dot(eigen.vectors[a], eigen.vectors[b]), a == b ? 1 : 0, accuracy: 1e-12)
        } }
    }

    func testEigendecompositionWithARepeatedEigenvalue() {
        // I + 3 w wᵀ with w = (1, 1, 1)/√3: eigenvalue 4 along w, 1 twice on its complement.
        var matrix = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { matrix[i * 3 + j] = (i == j ? 1 : 0) + 1 } }
        let eigen = SymmetricEigendecomposition(symmetric: matrix, dimension: 3)
        assertEqual(eigen.values, [4, 1, 1], accuracy: 1e-12, "values")
        let w = [1.0, 1, 1].map { $0 / 3.0.squareRoot() }
        XCTAssertEqual(abs(dot(eigen.vectors[0], w)), 1, accuracy: 1e-12)
        XCTAssertEqual(dot(eigen.vectors[1], w), 0, accuracy: 1e-12)
        XCTAssertEqual(dot(eigen.vectors[2], w), 0, accuracy: 1e-12)
        XCTAssertEqual(dot(eigen.vectors[1], eigen.vectors[2]), 0, accuracy: 1e-12)
    }
}
