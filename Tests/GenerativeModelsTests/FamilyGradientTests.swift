import Foundation
import TensorCore
import TestSupport
import XCTest
@testable import GenerativeModels

/// Gradients reach the location and the scale head of every family through reparameterized
/// samples, densities and KLs: `backward()` against central differences with the noise held fixed.
final class FamilyGradientTests: XCTestCase {
    /// Fresh [3, 4] variables for a family's two heads (the KL tests' parameter rows).
    static func variables() -> (location: Tensor, scaleHead: Tensor) {
        (Tensor(shape: [3, 4], scalars: FamilyKLTests.location, requiresGradient: true),
         Tensor(shape: [3, 4], scalars: FamilyKLTests.scaleHead, requiresGradient: true))
    }

    /// Checks `function` of a family's distribution, rebuilt from the nudged variables at every
    /// evaluation, for every family.
    func assertGradientsMatchCentralDifferences(_ what: String,
                                                _ function: @escaping (any ReparameterizedDistribution, Tensor) -> Tensor) {
        for (index, family) in LatentFamily.allCases.enumerated() {
            let (location, scaleHead) = Self.variables()
            var generator = RandomGenerator(seed: 500 + UInt64(index))
            let noise = family.distributionType.drawNoise([3, 4], using: &generator)
            let mismatches = CentralDifferences.mismatches(of: [("location", location), ("scale head", scaleHead)]) {
                function(family.distribution(location: location, scaleHead: scaleHead), noise)
            }
            XCTAssert(mismatches.isEmpty, "\(family), \(what):\n" + mismatches.prefix(6).joined(separator: "\n"))
        }
    }

    /// z = g(ε; μ, h) and z² with ε fixed: the reparameterization itself is differentiable in both
    /// heads (for the Gaussian through σ = e^(h/2), for the others through the scale e^h).
    func testSamplesAreDifferentiableInBothHeads() {
        assertGradientsMatchCentralDifferences("z and z²") { q, noise in
            let z = q.reparameterize(noise)
            return Tensor.concatenate([z, z.squared()], axis: 1)
        }
    }

    /// log q(z) and the Monte Carlo KL log q(z) − log p(z) to each of the four standard priors,
    /// at z = g(ε; μ, h): the single-sample estimator's gradient, through both the density's
    /// parameters and the sample.
    func testMonteCarloKLIsDifferentiableThroughTheSample() {
        assertGradientsMatchCentralDifferences("log q(z) and Monte Carlo KLs") { q, noise in
            let z = q.reparameterize(noise)
            return Tensor.stack([q.logDensity(z)] + LatentFamily.allCases.map { q.monteCarloKLDivergence(to: $0.standardPrior, at: z) })
        }
    }

    /// Every closed-form KL (six pairs, including log Γ for the Gumbel pair and |μ| at μ = 0 for
    /// the Laplace pair), its entropy, mean and variance.
    func testClosedFormsAreDifferentiable() {
        assertGradientsMatchCentralDifferences("closed-form KLs, entropy, moments") { q, _ in
            let kls = LatentFamily.allCases.compactMap { q.analyticKLDivergence(toStandard: $0) }
            return Tensor.concatenate([Tensor.stack(kls + [q.entropy()]), q.mean, q.variance].map { $0.reshaped([-1]) }, axis: 0)
        }
    }
}
