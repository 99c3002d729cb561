import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The encoder's distribution q(z|x) = N(μ, diag σ²): its analytic KL and its reparameterized samples.
final class DiagonalGaussianTests: XCTestCase {
    /// KL(q ‖ N(0, I)) = E_q[log q(z) − log p(z)]: the closed form must agree with the Monte Carlo
    /// mean of log q − log p over S = 20,000 draws, for rows with small and large σ and μ off zero.
    ///
    /// Tolerance: 4 standard errors of the Monte Carlo mean (sample SD / √S, about 0.01–0.03 nats
    /// here), so a correct implementation fails with probability below 1e-4 per row (and never with
    /// this fixed seed); a dropped ½, σ in place of σ², or a sign error is off by ≥ 1 nat, dozens of
    /// standard errors.
    func testAnalyticKLMatchesMonteCarloEstimate() {
        let rows = 3, dimension = 4, draws = 20_000
        let means: [Float] = [0, 0, 0, 0,   1.5, -2, 0.3, 0,   -0.7, 0.2, 2.5, -1]
        let logVariances: [Float] = [0, 0, 0, 0,   -2, 1.2, 0.5, -0.3,   -3, 0.1, -1, 1.8]
        let q = DiagonalGaussian(mean: Tensor(shape: [rows, dimension], scalars: means),
                                 logVariance: Tensor(shape: [rows, dimension], scalars: logVariances))
        let analytic = q.klDivergenceFromStandardNormal().scalars

        // Draw-major rows k·rows + r, as the importance-weighted estimator lays them out.
        let repeated = DiagonalGaussian(mean: VAE.repeatRows(q.mean, times: draws),
                                        logVariance: VAE.repeatRows(q.logVariance, times: draws))
        var generator = RandomGenerator(seed: 11)
        let (z, _) = repeated.sample(using: &generator)
        let logRatios = (repeated.logDensity(z) - DiagonalGaussian.standardNormalLogDensity(z)).scalars

        XCTAssertEqual(analytic[0], 0, accuracy: 1e-6, "q = N(0, I) has KL 0")
        for row in 0 ..< rows {
            let monteCarlo = SampleStatistics(stride(from: row, to: logRatios.count, by: rows).map { logRatios[$0] })
            XCTAssertEqual(Double(analytic[row]), monteCarlo.mean, accuracy: max(4 * monteCarlo.standardError, 1e-6),
                           "row \(row): analytic KL \(analytic[row]) vs Monte Carlo \(monteCarlo.mean) ± \(monteCarlo.standardError)")
        }
    }

    /// z = μ + σ ⊙ ε from an encoder's q(z|x) for one fixed x: over S = 40,000 draws each dimension's
    /// sample mean must be μ_d and its sample variance σ²_d, dimensions must be uncorrelated, and the
    /// returned ε must be the noise that produced z.
    ///
    /// Tolerances from the sampling distributions of normal moments: the mean within 4σ/√S, the
    /// variance within 4σ²·√(2/(S−1)) (its standard error is σ²√(2/(S−1))), a correlation within
    /// 4/√S. Using σ² for σ, or exp(logσ²) without the ½, moves some moment by many errors.
    func testReparameterizedSamplesHaveTheEncodersMeanAndVariance() {
        var generator = RandomGenerator(seed: 12)
        let model = VAE(dataDimension: 6, hiddenSizes: [8], latentDimension: 5, using: &generator)
        // Spread the variances over e^−3 … e^1.5 so that a σ-versus-σ² mistake cannot hide near 1.
        model.scaleHead.bias!.assign(Tensor(shape: [5], scalars: [-3, -1, 0, 0.7, 1.5]))
        let x = Tensor.uniform([1, 6], using: &generator)
        let draws = 40_000
        let posterior = withoutGradients { model.encode(VAE.repeatRows(x, times: draws)) }
        let (z, noise) = posterior.sample(using: &generator)

        let single = withoutGradients { model.encode(x) }
        let mu = single.mean.scalars.map { Double($0) }
        let variance = single.scaleHead.scalars.map { Foundation.exp(Double($0)) }
        let zs = z.scalars, epsilons = noise.scalars
        let latent = 5
        let columns = (0 ..< latent).map { d in stride(from: d, to: zs.count, by: latent).map { Double(zs[$0]) } }
        for d in 0 ..< latent {
            let moments = SampleStatistics(columns[d])
            XCTAssertEqual(moments.mean, mu[d], accuracy: 4 * variance[d].squareRoot() / Double(draws).squareRoot(),
                           "dimension \(d): mean")
            XCTAssertEqual(moments.variance, variance[d], accuracy: 4 * variance[d] * (2 / Double(draws - 1)).squareRoot(),
                           "dimension \(d): variance")
        }
        for (d, e) in [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)] {
            let a = SampleStatistics(columns[d]), b = SampleStatistics(columns[e])
            let covariance = zip(columns[d], columns[e]).reduce(0) { $0 + ($1.0 - a.mean) * ($1.1 - b.mean) } / Double(draws - 1)
            XCTAssertEqual(covariance / (a.standardDeviation * b.standardDeviation), 0, accuracy: 4 / Double(draws).squareRoot(),
                           "dimensions \(d) and \(e) are correlated")
        }
        for index in stride(from: 0, to: zs.count, by: 997) {
            let d = index % latent
            XCTAssertEqual(Double(zs[index]), mu[d] + variance[d].squareRoot() * Double(epsilons[index]), accuracy: 1e-4)
        }
    }
}
