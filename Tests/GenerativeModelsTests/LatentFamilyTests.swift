import Foundation
import TensorCore
import XCTest
@testable import GenerativeModels

/// Choosing families by name, and posterior and prior chosen independently.
final class LatentFamilyTests: XCTestCase {
    /// Codable as the plain strings a config.json holds; unknown names are an error that names
    /// the option and the accepted names.
    func testNamesAreCodableAsPlainStrings() throws {
        struct Settings: Codable, Equatable { var posterior: LatentFamily; var prior: LatentFamily }
        let json = #"{"posterior":"laplace","prior":"gaussian"}"#
        let settings = try JSONDecoder().decode(Settings.self, from: Data(json.utf8))
        XCTAssertEqual(settings, Settings(posterior: .laplace, prior: .gaussian))
        XCTAssertEqual(String(decoding: try JSONEncoder().encode([LatentFamily.gumbel, .logistic]), as: UTF8.self),
                       #"["gumbel","logistic"]"#)
        XCTAssertThrowsError(try JSONDecoder().decode(Settings.self, from: Data(#"{"posterior":"cauchy","prior":"gaussian"}"#.utf8)))

        XCTAssertEqual(try LatentFamily.named("gumbel", option: "--prior"), .gumbel)
        XCTAssertThrowsError(try LatentFamily.named("Gaussian", option: "--posterior")) { error in
            XCTAssertEqual("\(error)", "Unknown latent family \"Gaussian\" for --posterior; expected one of gaussian, laplace, logistic, gumbel.")
        }
    }

    /// Each name builds its own type, whose `family` is that name; the Gaussian's scale head is
    /// its log-variance, so `DiagonalGaussian` keeps its meaning.
    func testEachNameBuildsItsType() {
        let location = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5]), head = Tensor.zeros([2, 3])
        for family in LatentFamily.allCases {
            let q = family.distribution(location: location, scaleHead: head)
            XCTAssertEqual(q.family, family)
            XCTAssert(type(of: q) == family.distributionType)
            XCTAssertEqual(q.shape, [2, 3])
            XCTAssertEqual(q.location.scalars, location.scalars)
            XCTAssertEqual(family.standardPrior, StandardPrior(family))
        }
        let gaussian = LatentFamily.gaussian.distribution(location: location, scaleHead: Tensor(repeating: 0.5, shape: [2, 3]))
        XCTAssertEqual((gaussian as? DiagonalGaussian)?.logVariance.scalars, [Float](repeating: 0.5, count: 6))
        XCTAssertEqual(LatentFamily.gaussian.scaleHeadName, "log-variance")
        XCTAssertEqual(LatentFamily.gumbel.scaleHeadName, "log-scale")
    }

    /// `posterior(location:scaleHead:)` clamps the scale head (and passes no gradient where it
    /// binds); `distribution` uses it as given.
    func testPosteriorClampsTheScaleHead() {
        let head = Tensor(shape: [1, 3], scalars: [-40, 0.5, 40], requiresGradient: true)
        for family in LatentFamily.allCases {
            let range = family.scaleHeadRange
            let q = family.posterior(location: .zeros([1, 3]), scaleHead: head)
            XCTAssertEqual(q.scaleHead.scalars, [range.lowerBound, 0.5, range.upperBound], "\(family)")
            XCTAssertEqual(q.scaleHead.sum().backward()[head]?.scalars, [0, 1, 0], "\(family)")
            XCTAssertEqual(family.distribution(location: .zeros([1, 3]), scaleHead: head).scaleHead.scalars, [-40, 0.5, 40])
        }
    }

    /// The prior is independent of the posterior: a Laplace posterior against each prior uses the
    /// closed form where the pair has one (Gaussian, Laplace) and log q(z) − log p(z) at the given
    /// samples otherwise, with p's own log-density.
    func testPriorIsChosenIndependentlyOfThePosterior() {
        var generator = RandomGenerator(seed: 600)
        let q = LatentFamily.laplace.posterior(location: Tensor.normal([4, 3], using: &generator),
                                               scaleHead: Tensor.normal([4, 3], standardDeviation: 0.3, using: &generator))
        let (z, _) = q.sample(using: &generator)
        let gaussianPrior = StandardPrior(.gaussian), logisticPrior = StandardPrior(.logistic)
        let closedForm = q.klDivergence(to: gaussianPrior, at: z).scalars
        XCTAssertEqual(closedForm, q.analyticKLDivergence(toStandard: .gaussian)?.scalars)
        XCTAssertNotEqual(closedForm, q.monteCarloKLDivergence(to: gaussianPrior, at: z).scalars)
        XCTAssertEqual(q.klDivergence(to: logisticPrior, at: z).scalars,
                       (q.logDensity(z) - DiagonalLogistic.standardLogDensity(z)).scalars)
        XCTAssertEqual(logisticPrior.logDensity(z).scalars, DiagonalLogistic.standardLogDensity(z).scalars)
    }

    /// `mappingParameters` keeps the family and transforms both heads, as the importance-weighted
    /// estimator's repeated rows need.
    func testMappingParametersRepeatsRows() {
        let q = LatentFamily.gumbel.distribution(location: Tensor(shape: [2, 1], scalars: [1, 2]),
                                                 scaleHead: Tensor(shape: [2, 1], scalars: [-1, 0]))
        let repeated = q.mappingParameters { repeatedRows($0, times: 3) }
        XCTAssert(repeated is DiagonalGumbel)
        XCTAssertEqual(repeated.location.scalars, [1, 2, 1, 2, 1, 2])
        XCTAssertEqual(repeated.scaleHead.scalars, [-1, 0, -1, 0, -1, 0])
    }

    /// The prior's quantile function at p = ½ and at p = 0.975, against closed forms evaluated in
    /// Python 3's math module: Φ⁻¹(0.975) = 1.959963984540054 (statistics.NormalDist);
    /// Laplace −log(2·0.025) = 2.995732273553991; logit(0.975) = log 39 = 3.6635616461296463;
    /// Gumbel −log(−log 0.975) = 3.676247257954176 and median −log(log 2).
    func testPriorQuantiles() {
        let expected: [LatentFamily: (median: Double, tail: Double)] = [
            .gaussian: (0, 1.959963984540054), .laplace: (0, 2.995732273553991),
            .logistic: (0, 3.6635616461296463), .gumbel: (-log(log(2.0)), 3.676247257954176),
        ]
        for family in LatentFamily.allCases {
            XCTAssertEqual(family.standardPrior.quantile(0.5), expected[family]!.median, accuracy: 1e-12, "\(family) median")
            XCTAssertEqual(family.standardPrior.quantile(0.975), expected[family]!.tail, accuracy: 1e-12, "\(family) 0.975")
        }
    }
}
