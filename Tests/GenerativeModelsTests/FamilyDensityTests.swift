import Foundation
import TensorCore
import XCTest
@testable import GenerativeModels

/// Every family's log-density, integrated numerically in one dimension.
final class FamilyDensityTests: XCTestCase {
    /// exp(log q) on a grid of 40,001 points over μ ± 60·scale, by the trapezoid rule in Double:
    /// ∫q must be 1 within 1e-4, ∫z q the textbook mean and ∫(z − mean)² q the textbook variance
    /// within 1e-3 relative (plus 1e-4·scale² absolute for the mean).
    ///
    /// Where the error comes from: the trapezoid's O(step²) error with step = 0.003·scale is about
    /// 1e-6; Float32 log-densities carry a relative error of a few 1e-7; the tails beyond 60
    /// scales hold less than e^−60·60² of the variance for the slowest (exponential) tails. A
    /// wrong normalizing constant (log b for log 2b, a missing ½ log 2π, −log β dropped) moves
    /// ∫q by 10% or more.
    func testDensitiesIntegrateToOneWithTheTextbookMoments() {
        let points = 40_001
        for family in LatentFamily.allCases {
            for (r, row) in FamilyTextbook.rows.enumerated() {
                let scale = family == .gaussian ? exp(row.scaleHead / 2) : exp(row.scaleHead)
                let (lower, upper) = (row.location - 60 * scale, row.location + 60 * scale)
                let step = (upper - lower) / Double(points - 1)
                let grid = (0 ..< points).map { lower + Double($0) * step }
                let q = family.distribution(location: Tensor(repeating: Float(row.location), shape: [points, 1]),
                                            scaleHead: Tensor(repeating: Float(row.scaleHead), shape: [points, 1]))
                let density = q.logDensity(Tensor(shape: [points, 1], scalars: grid.map { Float($0) })).scalars.map { exp(Double($0)) }
                func integral(_ f: (Double, Double) -> Double) -> Double {
                    let values = zip(grid, density).map { f($0, $1) }
                    return step * (values.reduce(0, +) - 0.5 * (values.first! + values.last!))
                }
                let mass = integral { _, p in p }
                let mean = integral { z, p in z * p }
                let variance = integral { z, p in (z - mean) * (z - mean) * p }
                let expectedMean = FamilyTextbook.mean(family, location: row.location, scaleHead: row.scaleHead)
                let expectedVariance = FamilyTextbook.variance(family, location: row.location, scaleHead: row.scaleHead)
                let label = "\(family) row \(r) (μ \(row.location), head \(row.scaleHead))"
                XCTAssertEqual(mass, 1, accuracy: 1e-4, "\(label): ∫q")
                XCTAssertEqual(mean, expectedMean, accuracy: 1e-3 * abs(expectedMean) + 1e-4 * scale * scale + 1e-5, "\(label): ∫z q")
                XCTAssertEqual(variance, expectedVariance, accuracy: 1e-3 * expectedVariance, "\(label): ∫(z − mean)² q")
            }
        }
    }

    /// The standard member's CDF, accumulated from its density by the trapezoid rule (step 2e-4
    /// from −60), must reach p at the quantile F⁻¹(p) within 1e-5, for p from 1e-4 to 0.9999:
    /// quantile, noise (drawn through it) and density describe the same distribution. The
    /// standard log-density must also equal the general one at location 0, scale head 0.
    func testQuantileInvertsTheIntegratedDensity() {
        let step = 2e-4, lower = -60.0
        let probabilities = [1e-4, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.9999]
        for family in LatentFamily.allCases {
            let prior = family.standardPrior
            let upper = prior.quantile(probabilities.last!) + 1
            let points = Int((upper - lower) / step) + 1
            let grid = (0 ..< points).map { lower + Double($0) * step }
            let z = Tensor(shape: [points, 1], scalars: grid.map { Float($0) })
            let logDensities = prior.logDensity(z).scalars
            let general = family.distribution(location: .zeros([points, 1]), scaleHead: .zeros([points, 1])).logDensity(z).scalars
            for i in Swift.stride(from: 0, to: points, by: 997) {
                XCTAssertEqual(logDensities[i], general[i], accuracy: 1e-5 * max(1, abs(general[i])),
                               "\(family): standard log-density at \(grid[i])")
            }
            let density = logDensities.map { exp(Double($0)) }
            var cumulative = [0.0]
            cumulative.reserveCapacity(points)
            for i in 1 ..< points { cumulative.append(cumulative[i - 1] + 0.5 * step * (density[i - 1] + density[i])) }
            for p in probabilities {
                let x = prior.quantile(p)
                // Linear interpolation of the accumulated CDF between grid points.
                let position = (x - lower) / step, below = Int(position.rounded(.down))
                let fraction = position - Double(below)
                let cdf = cumulative[below] * (1 - fraction) + cumulative[below + 1] * fraction
                XCTAssertEqual(cdf, p, accuracy: 1e-5, "\(family): F(F⁻¹(\(p)))")
            }
        }
    }
}
