import Foundation
import TensorCore
import XCTest
@testable import GenerativeModels

/// KL(q ‖ p) for every pair of posterior family and standard prior.
final class FamilyKLTests: XCTestCase {
    /// Rows of [3, 4] parameters: the standard member, then locations off zero on both sides with
    /// scale heads from −2 to 0.7. Modest scales keep the Monte Carlo variance of the Gumbel-prior
    /// pairs (whose log-ratio contains e^(−z)) small enough for a sharp comparison.
    static let location: [Float] = [0, 0, 0, 0,   1.5, -1, 0.3, 0,   -0.7, 0.2, 1.2, -0.4]
    static let scaleHead: [Float] = [0, 0, 0, 0,   -2, 0.5, -0.3, 0.7,   -1, 0.1, -0.6, 0.4]
    static func parameters() -> (Tensor, Tensor) {
        (Tensor(shape: [3, 4], scalars: location), Tensor(shape: [3, 4], scalars: scaleHead))
    }

    /// Where a closed form exists it must equal the Monte Carlo mean of log q(z) − log p(z) over
    /// S = 20,000 draws per row within 4 standard errors (plus 1e-4 nats for Float32 rounding of
    /// the sum), for all six such pairs; the standard member against its own prior must give 0.
    /// The other ten pairs must return nil and fall back to the Monte Carlo estimate itself.
    ///
    /// A correct pair fails with probability about 6e-5 per row; the standard errors here are
    /// 0.006–0.095 nats (measured), so the tolerance is at most 0.4 nats. Dropping a per-coordinate
    /// constant (γ, 1, log 2) moves a row's KL by at least 4 × 0.577 nats; Γ(β) in place of
    /// Γ(1 + β) in the Gumbel pair failed rows 1 and 2 by 1 and 2.6 nats (row 0 has β = 1,
    /// where the two agree).
    func testClosedFormsAgreeWithMonteCarloAndTheRestFallBack() {
        let draws = 20_000
        let (location, scaleHead) = Self.parameters()
        var generator = RandomGenerator(seed: 400)
        for family in LatentFamily.allCases {
            let q = family.distribution(location: location, scaleHead: scaleHead)
            let repeated = q.mappingParameters { repeatedRows($0, times: draws) }
            let (z, _) = repeated.sample(using: &generator)
            for priorFamily in LatentFamily.allCases {
                let prior = priorFamily.standardPrior
                let pair = "\(family) ‖ standard \(priorFamily)"
                guard let analytic = q.analyticKLDivergence(toStandard: priorFamily)?.scalars else {
                    XCTAssertFalse(family.hasAnalyticKL(toStandard: priorFamily), "\(pair): table says closed form")
                    let (fewZ, _) = q.sample(using: &generator)
                    XCTAssertEqual(q.klDivergence(to: prior, at: fewZ).scalars, q.monteCarloKLDivergence(to: prior, at: fewZ).scalars,
                                   "\(pair): falls back to Monte Carlo")
                    continue
                }
                XCTAssertTrue(family.hasAnalyticKL(toStandard: priorFamily), "\(pair): table says Monte Carlo")
                XCTAssertEqual(analytic.count, 3, "\(pair): one KL per row")
                XCTAssertEqual(q.klDivergence(to: prior, at: z.slice(axis: 0, 0 ..< 3)).scalars, analytic,
                               "\(pair): klDivergence uses the closed form")
                if family == priorFamily { XCTAssertEqual(analytic[0], 0, accuracy: 1e-5, "\(pair): KL of the prior to itself") }
                let logRatios = repeated.monteCarloKLDivergence(to: prior, at: z).scalars
                for row in 0 ..< 3 {
                    let monteCarlo = SampleStatistics(strided(logRatios, start: row, stride: 3))
                    XCTAssertEqual(Double(analytic[row]), monteCarlo.mean, accuracy: 4 * monteCarlo.standardError + 1e-4,
                                   "\(pair) row \(row): closed form \(analytic[row]) vs Monte Carlo \(monteCarlo.mean) ± \(monteCarlo.standardError)")
                }
            }
        }
    }

    /// The two closed forms that are not built from moments, against the general two-parameter
    /// formulas written out in Double at μ₂ = 0, scale₂ = 1 (a check of the assembly from
    /// entropy and expectations, and of log Γ against libm's tgamma):
    /// KL(Laplace(μ₁, b₁) ‖ Laplace(μ₂, b₂)) = log(b₂/b₁) + |μ₁ − μ₂|/b₂ + (b₁/b₂)e^(−|μ₁−μ₂|/b₁) − 1;
    /// KL(Gumbel(μ₁, β₁) ‖ Gumbel(μ₂, β₂)) = log(β₂/β₁) + γ(β₁/β₂ − 1) + e^((μ₂−μ₁)/β₂) Γ(1 + β₁/β₂)
    /// − 1 + (μ₁ − μ₂)/β₂.
    func testClosedFormsMatchTextbookFormulas() {
        let (location, scaleHead) = Self.parameters()
        let laplace = DiagonalLaplace(location: location, scaleHead: scaleHead).analyticKLDivergence(toStandard: .laplace)!.scalars
        let gumbel = DiagonalGumbel(location: location, scaleHead: scaleHead).analyticKLDivergence(toStandard: .gumbel)!.scalars
        for row in 0 ..< 3 {
            var expectedLaplace = 0.0, expectedGumbel = 0.0
            for column in 0 ..< 4 {
                let μ = Double(Self.location[4 * row + column]), b = exp(Double(Self.scaleHead[4 * row + column]))
                expectedLaplace += -log(b) + abs(μ) + b * exp(-abs(μ) / b) - 1
                expectedGumbel += -log(b) + FamilyTextbook.eulerGamma * (b - 1) + exp(-μ) * tgamma(1 + b) - 1 + μ
            }
            XCTAssertEqual(Double(laplace[row]), expectedLaplace, accuracy: 1e-5 * max(1, expectedLaplace), "Laplace row \(row)")
            XCTAssertEqual(Double(gumbel[row]), expectedGumbel, accuracy: 1e-5 * max(1, expectedGumbel), "Gumbel row \(row)")
        }
    }

    /// The Gaussian's KL to N(0, I) from the generic moment formula equals the classic closed form
    /// the VAE uses, so either could serve.
    func testGaussianMomentFormulaEqualsTheClassicOne() {
        let (location, scaleHead) = Self.parameters()
        let q = DiagonalGaussian(mean: location, logVariance: scaleHead)
        for (a, b) in zip(q.klToStandardGaussian().scalars, q.klDivergenceFromStandardNormal().scalars) {
            XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)))
        }
    }
}
