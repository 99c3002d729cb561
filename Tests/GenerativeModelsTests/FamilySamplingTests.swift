import Foundation
import TensorCore
import XCTest
@testable import GenerativeModels

/// Reparameterized samples of every family against the family's closed-form moments and its
/// own density.
final class FamilySamplingTests: XCTestCase {
    /// S = 40,000 draws of each parameter row of ``FamilyTextbook/rows``, per family.
    ///
    /// - The sample mean must be the textbook mean within 4σ/√S.
    /// - The sample variance must be the textbook variance within 4 standard errors, the standard
    ///   error of s² being √((m₄ − s⁴)/S) with m₄ the sample fourth central moment (these families
    ///   have excess kurtosis 0, 3, 1.2 and 2.4, so the Gaussian √(2/S)σ² would be too tight).
    /// - z must be μ + (scale)·ε with the returned ε, and the `mean` / `variance` properties
    ///   must match the textbook values.
    ///
    /// A correct implementation fails a check with probability about 6e-5 (never with these
    /// seeds). A Laplace quantile with log p in place of log 2p below ½ failed every Laplace
    /// row's mean and variance by 7 to 12 times the tolerance.
    func testSampleMomentsMatchClosedForms() {
        let draws = 40_000
        let rows = FamilyTextbook.rows
        let (location, scaleHead) = FamilyTextbook.parameters()
        for (index, family) in LatentFamily.allCases.enumerated() {
            let q = family.distribution(location: repeatedRows(location, times: draws),
                                        scaleHead: repeatedRows(scaleHead, times: draws))
            var generator = RandomGenerator(seed: 100 + UInt64(index))
            let (z, noise) = q.sample(using: &generator)
            let zs = z.scalars, epsilons = noise.scalars
            let single = family.distribution(location: location, scaleHead: scaleHead)
            let meanProperty = single.mean.scalars, varianceProperty = single.variance.scalars
            for (r, row) in rows.enumerated() {
                let expectedMean = FamilyTextbook.mean(family, location: row.location, scaleHead: row.scaleHead)
                let expectedVariance = FamilyTextbook.variance(family, location: row.location, scaleHead: row.scaleHead)
                let label = "\(family) row \(r) (μ \(row.location), head \(row.scaleHead))"
                XCTAssertEqual(Double(meanProperty[r]), expectedMean, accuracy: 1e-5 * max(1, abs(expectedMean)), "\(label): mean property")
                XCTAssertEqual(Double(varianceProperty[r]), expectedVariance, accuracy: 1e-5 * expectedVariance, "\(label): variance property")

                let column = strided(zs, start: r, stride: rows.count)
                let moments = SampleStatistics(column)
                let fourth = column.reduce(0) { $0 + pow($1 - moments.mean, 4) } / Double(column.count)
                let varianceError = ((fourth - moments.variance * moments.variance) / Double(draws)).squareRoot()
                XCTAssertEqual(moments.mean, expectedMean, accuracy: 4 * (expectedVariance / Double(draws)).squareRoot(),
                               "\(label): sample mean")
                XCTAssertEqual(moments.variance, expectedVariance, accuracy: 4 * varianceError,
                               "\(label): sample variance \(moments.variance) vs \(expectedVariance) ± \(varianceError)")

                let scale = family == .gaussian ? exp(row.scaleHead / 2) : exp(row.scaleHead)
                for k in Swift.stride(from: 0, to: draws, by: 4999) {
                    let i = k * rows.count + r
                    XCTAssertEqual(Double(zs[i]), row.location + scale * Double(epsilons[i]),
                                   accuracy: 1e-5 * max(1, abs(Double(zs[i]))), "\(label): z = μ + scale·ε at draw \(k)")
                }
            }
        }
    }

    /// The samples must come from the density `logDensity` describes: the Monte Carlo mean of
    /// −log q(z) over S = 20,000 draws is the entropy, within 4 standard errors. Noise from
    /// the wrong family passes a loose look at the moments but not this: logistic noise behind
    /// the Laplace density was off by 0.37–0.40 nats in every row, about 45 standard errors.
    func testSamplesMatchTheirOwnDensityThroughTheEntropy() {
        let draws = 20_000
        let rows = FamilyTextbook.rows
        let (location, scaleHead) = FamilyTextbook.parameters()
        for (index, family) in LatentFamily.allCases.enumerated() {
            let q = family.distribution(location: repeatedRows(location, times: draws),
                                        scaleHead: repeatedRows(scaleHead, times: draws))
            var generator = RandomGenerator(seed: 200 + UInt64(index))
            let (z, _) = q.sample(using: &generator)
            let negativeLogDensities = (-q.logDensity(z)).scalars
            let entropies = family.distribution(location: location, scaleHead: scaleHead).entropy().scalars
            for r in 0 ..< rows.count {
                let estimate = SampleStatistics(strided(negativeLogDensities, start: r, stride: rows.count))
                XCTAssertEqual(Double(entropies[r]), estimate.mean, accuracy: 4 * estimate.standardError + 1e-5,
                               "\(family) row \(r): entropy \(entropies[r]) vs E[−log q] \(estimate.mean) ± \(estimate.standardError)")
            }
        }
    }

    /// The standard prior's draws are the family's standard member: mean and variance as the
    /// textbook's at μ = 0, h = 0 (within 4 standard errors, S = 40,000), shape [count, dimension].
    func testStandardPriorSamples() {
        for (index, family) in LatentFamily.allCases.enumerated() {
            var generator = RandomGenerator(seed: 300 + UInt64(index))
            let z = family.standardPrior.sample(count: 10_000, dimension: 4, using: &generator)
            XCTAssertEqual(z.shape, [10_000, 4])
            let moments = SampleStatistics(z.scalars)
            let mean = FamilyTextbook.mean(family, location: 0, scaleHead: 0)
            let variance = FamilyTextbook.variance(family, location: 0, scaleHead: 0)
            let fourth = z.scalars.reduce(0) { $0 + pow(Double($1) - moments.mean, 4) } / Double(moments.count)
            XCTAssertEqual(moments.mean, mean, accuracy: 4 * (variance / Double(moments.count)).squareRoot(), "\(family): prior mean")
            XCTAssertEqual(moments.variance, variance,
                           accuracy: 4 * ((fourth - moments.variance * moments.variance) / Double(moments.count)).squareRoot(),
                           "\(family): prior variance")
        }
    }

    /// The existing Gaussian path is unchanged: sample(using:) still draws ε with `Tensor.normal`
    /// from the same generator state and returns μ + exp(½ log σ²)·ε bit for bit, so runs and
    /// their checkpoints reproduce.
    func testGaussianSamplingIsBitIdenticalToTheOriginalFormula() {
        var generator = RandomGenerator(seed: 9)
        let mean = Tensor.normal([3, 5], using: &generator)
        let logVariance = Tensor.normal([3, 5], using: &generator)
        var first = RandomGenerator(seed: 21), second = first
        let (z, noise) = DiagonalGaussian(mean: mean, logVariance: logVariance).sample(using: &first)
        let expectedNoise = Tensor.normal([3, 5], using: &second)
        XCTAssertEqual(noise.scalars, expectedNoise.scalars)
        XCTAssertEqual(z.scalars, (mean + (logVariance * 0.5).exp() * expectedNoise).scalars)
        XCTAssertEqual(first, second, "the generator advanced by the same number of blocks")
    }
}
