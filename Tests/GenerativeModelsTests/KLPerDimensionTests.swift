import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The KL of each latent dimension: the textbook value of one Gaussian coordinate, a sum that is
/// the total KL for closed-form and Monte Carlo pairs alike, and what the ELBO evaluation reports.
final class KLPerDimensionTests: XCTestCase {
    /// KL(N(μ, σ²) ‖ N(0, 1)) = ½ (μ² + σ² − 1 − log σ²), by hand for two rows and two dimensions.
    func testGaussianCoordinatesMatchTheClosedForm() {
        let mean = Tensor(shape: [2, 2], scalars: [1, 0, -2, 0.5])
        let logVariance = Tensor(shape: [2, 2], scalars: [0, log(4), log(0.25), 0])
        let posterior = DiagonalGaussian(location: mean, scaleHead: logVariance)
        let sums = posterior.klDivergenceSumsPerDimension(to: .gaussian, at: nil)
        func kl(_ mu: Double, _ variance: Double) -> Double { 0.5 * (mu * mu + variance - 1 - log(variance)) }
        XCTAssertEqual(sums[0], kl(1, 1) + kl(-2, 0.25), accuracy: 1e-5)
        XCTAssertEqual(sums[1], kl(0, 4) + kl(0.5, 1), accuracy: 1e-5)
    }

    /// For every posterior–prior pair, closed form or not, the dimensions add up to the rows' KL
    /// at the same samples.
    func testDimensionsSumToTheTotalForEveryPair() {
        var generator = RandomGenerator(seed: 71)
        for family in LatentFamily.allCases {
            for priorFamily in LatentFamily.allCases {
                let location = Tensor.normal([6, 3], using: &generator)
                let scaleHead = Tensor.normal([6, 3], using: &generator) * 0.3
                let posterior = family.posterior(location: location, scaleHead: scaleHead)
                let prior = StandardPrior(priorFamily)
                let (z, _) = posterior.sample(using: &generator)
                let total = posterior.klDivergence(to: prior, at: z).scalars.reduce(0.0) { $0 + Double($1) }
                let sums = posterior.klDivergenceSumsPerDimension(to: prior, at: z)
                XCTAssertEqual(sums.count, 3)
                XCTAssertEqual(sums.reduce(0, +), total, accuracy: 1e-4 * max(1, abs(total)), "\(family) to \(priorFamily)")
            }
        }
    }

    /// The ELBO evaluation's per-dimension KL sums to its KL, for a closed-form and a Monte Carlo pair.
    func testELBOEvaluationReportsEachDimension() throws {
        for (posterior, prior) in [(LatentFamily.gaussian, LatentFamily.gaussian), (.laplace, .logistic)] {
            var generator = RandomGenerator(seed: 72)
            let model = try VAE(architecture: .mlp(hiddenSizes: [8]), height: 1, width: 12, latentDimension: 5,
                                posterior: posterior, prior: prior, using: &generator)
            let data = Tensor.uniform([40, 12], using: &generator)
            let estimate = model.evaluateELBO(on: data, samples: 2, batchSize: 16, using: &generator)
            XCTAssertEqual(estimate.klPerDimension.count, 5)
            XCTAssertEqual(estimate.klPerDimension.reduce(0, +), estimate.kl, accuracy: 1e-4 * max(1, estimate.kl), "\(posterior) to \(prior)")
        }
    }
}
