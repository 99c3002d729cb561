import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// Each observation model's −log p(x|z) against its textbook formula, evaluated independently in Double.
///
/// Tolerance 1e-3 nats on sums of 50 terms of up to ~15 nats: Float32 rounding of such a sum is
/// about 1e-4, while any wrong constant, sign or factor is off by far more.
final class LikelihoodTests: XCTestCase {
    private let rows = 4, columns = 50
    private let tolerance = 1e-3

    private func rowSums(_ values: [Double]) -> [Double] {
        (0 ..< rows).map { row in values[(row * columns) ..< ((row + 1) * columns)].reduce(0, +) }
    }

    /// log p(x|l) = Σ x log σ(l) + (1 − x) log(1 − σ(l)) with σ(l) = 1/(1 + e^(−l)), logits in
    /// [−15, 15] (where the direct formula is still exact in Double) and targets both binary and in
    /// between (the continuous-intensity convenience).
    func testBernoulliMatchesTheDirectFormula() {
        var generator = RandomGenerator(seed: 21)
        let logits = Tensor.uniform([rows, columns], low: -15, high: 15, using: &generator)
        let uniform = Tensor.uniform([rows, columns], using: &generator).scalars
        // Rows 0–1 binary, rows 2–3 continuous in [0, 1].
        let targets = uniform.enumerated().map { $0.offset < 2 * columns ? ($0.element < 0.5 ? Float(0) : 1) : $0.element }
        let nll = Likelihood.bernoulli.negativeLogLikelihood(
            decoderOutput: logits, data: Tensor(shape: [rows, columns], scalars: targets)).scalars

        let direct = zip(logits.scalars, targets).map { l, x -> Double in
            let p = 1 / (1 + Foundation.exp(-Double(l)))
            return Double(x) * Foundation.log(p) + (1 - Double(x)) * Foundation.log(1 - p)
        }
        for (row, logLikelihood) in rowSums(direct).enumerated() {
            XCTAssertEqual(Double(nll[row]), -logLikelihood, accuracy: tolerance, "row \(row)")
        }
    }

    /// Far out in the tails the direct formula gives log 0 even in Double; the logits-domain form
    /// must stay finite and equal its asymptote |l| for a confidently wrong pixel, 0 for a right one.
    func testBernoulliIsFiniteForExtremeLogits() {
        let logits = Tensor(shape: [1, 4], scalars: [80, -80, 80, -80])
        let targets = Tensor(shape: [1, 4], scalars: [0, 1, 1, 0])
        let nll = Likelihood.bernoulli.negativeLogLikelihood(decoderOutput: logits, data: targets).scalar
        XCTAssertEqual(nll, 160, accuracy: 1e-3)
    }

    /// −log N(x; μ, σ²I) = Σ_d (x_d − μ_d)²/(2σ²) + ½ log(2πσ²), for σ² = 0.3.
    func testGaussianFixedVarianceMatchesTheClosedForm() {
        var generator = RandomGenerator(seed: 22)
        let means = Tensor.normal([rows, columns], using: &generator)
        let data = Tensor.uniform([rows, columns], using: &generator)
        let variance = 0.3
        let nll = Likelihood.gaussianFixed(variance: Float(variance))
            .negativeLogLikelihood(decoderOutput: means, data: data).scalars

        let closedForm = zip(means.scalars, data.scalars).map { mu, x in
            let residual = Double(x) - Double(mu)
            return residual * residual / (2 * variance) + 0.5 * Foundation.log(2 * Double.pi * variance)
        }
        for (row, expected) in rowSums(closedForm).enumerated() {
            XCTAssertEqual(Double(nll[row]), expected, accuracy: tolerance, "row \(row)")
        }
    }

    /// −log N(x; μ, diag e^s) = Σ_d (x_d − μ_d)²/(2e^{s_d}) + ½ s_d + ½ log 2π, with a per-pixel log-variance
    /// s shared by the rows. Also through a VAE, whose learned s must be the one used and a parameter;
    /// and with s = log v everywhere it must equal the fixed-variance case.
    func testGaussianLearnedVarianceMatchesTheClosedForm() {
        var generator = RandomGenerator(seed: 23)
        let means = Tensor.normal([rows, columns], using: &generator)
        let data = Tensor.uniform([rows, columns], using: &generator)
        let logVariance = Tensor.uniform([columns], low: -2, high: 2, using: &generator)
        let nll = Likelihood.gaussianLearned
            .negativeLogLikelihood(decoderOutput: means, data: data, logVariance: logVariance).scalars

        let s = logVariance.scalars.map { Double($0) }
        let closedForm = zip(means.scalars, data.scalars).enumerated().map { index, pair in
            let residual = Double(pair.1) - Double(pair.0), logV = s[index % columns]
            return residual * residual / (2 * Foundation.exp(logV)) + 0.5 * logV + 0.5 * Foundation.log(2 * Double.pi)
        }
        for (row, expected) in rowSums(closedForm).enumerated() {
            XCTAssertEqual(Double(nll[row]), expected, accuracy: tolerance, "row \(row)")
        }

        let model = VAE(dataDimension: columns, hiddenSizes: [8], latentDimension: 2, likelihood: .gaussianLearned,
                        using: &generator)
        XCTAssertTrue(model.namedParameters.contains { $0.name == "decoderLogVariance" && $0.tensor === model.decoderLogVariance },
                      "the learned log-variance must be a named parameter")
        model.decoderLogVariance!.assign(logVariance)
        let throughModel = model.reconstructionLoss(decoderOutput: means, data: data).scalars
        for row in 0 ..< rows { XCTAssertEqual(throughModel[row], nll[row], accuracy: 1e-4) }

        let constant = Tensor(repeating: Float(Foundation.log(0.3)), shape: [columns])
        let learned = Likelihood.gaussianLearned.negativeLogLikelihood(decoderOutput: means, data: data, logVariance: constant)
        let fixed = Likelihood.gaussianFixed(variance: 0.3).negativeLogLikelihood(decoderOutput: means, data: data)
        for (a, b) in zip(learned.scalars, fixed.scalars) { XCTAssertEqual(a, b, accuracy: 1e-3) }
    }
}
