import Foundation
import TensorCore
import TestSupport
import XCTest
@testable import GenerativeModels

/// The likelihoods over the 256 levels of 8-bit values: the discretized logistic mixture of
/// PixelCNN++ and the 256-way categorical. Each is a probability mass, so the 256 probabilities of
/// one value must sum to 1 for any parameters, including scales far too wide or too narrow and
/// means far outside [−1, 1]; the mixture must match PixelCNN++'s formula in Double where that is
/// exact, and stay finite where it is not.
final class DiscreteLikelihoodTests: XCTestCase {
    static let levels = 256

    /// P(level) for every level of one value under mixture parameters (logits, means, log-scales,
    /// K each), from the fused op: 256 rows, one per level, D = 1.
    static func mixtureProbabilities(logits: [Float], means: [Float], logScales: [Float]) -> [Double] {
        let row = logits + means + logScales
        let parameters = Tensor(shape: [levels, row.count], scalars: Array((0..<levels).map { _ in row }.joined()))
        let data = Tensor(shape: [levels, 1], scalars: (0..<levels).map { Float($0) / 255 })
        let nll = parameters.discretizedLogisticMixtureNegativeLogLikelihood(data: data, components: logits.count)
        return nll.scalars.map { Foundation.exp(-Double($0)) }
    }

    /// PixelCNN++'s formula in Double: σ differences with the edge bins to ±∞, for parameters where
    /// the differences keep their digits.
    static func referenceProbability(level: Int, logits: [Double], means: [Double], logScales: [Double]) -> Double {
        func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        let largest = logits.max()!
        let normalizer = logits.map { Foundation.exp($0 - largest) }.reduce(0, +)
        let x = 2 * Double(level) / 255 - 1
        return logits.indices.reduce(0) { total, k in
            let inverseScale = Foundation.exp(-max(logScales[k], -7))
            let upper = level == 255 ? 1 : sigmoid(inverseScale * (x - means[k] + 1.0 / 255))
            let lower = level == 0 ? 0 : sigmoid(inverseScale * (x - means[k] - 1.0 / 255))
            return total + Foundation.exp(logits[k] - largest) / normalizer * (upper - lower)
        }
    }

    func testMixtureProbabilitiesOfTheLevelsSumToOne() {
        var generator = RandomGenerator(seed: 31)
        var cases: [(logits: [Float], means: [Float], logScales: [Float])] = (0..<20).map { _ in
            let k = 1 + Int(generator.nextUniform() * 5)
            func draw(_ low: Float, _ high: Float) -> [Float] { (0..<k).map { _ in low + (high - low) * generator.nextUniform() } }
            return (draw(-4, 4), draw(-1.5, 1.5), draw(-8, 2))
        }
        cases += [
            ([0], [0], [-30]),                    // below the floor: as narrow as the floor allows
            ([0], [0.5], [-7]),                   // at the floor: almost all mass in one bin
            ([0], [0], [100]),                    // so wide that the bin width underflows: the density fallback
            ([0, 0], [5, -40], [-3, 0]),          // means far outside [−1, 1]: the edge bins take the mass
            ([0, 30, -30], [1e6, -1e30, 0.1], [20, -7, 50]),
            ([1e4, -1e4], [0.3, 0.7], [-2, -1]),  // one component with all the weight
        ]
        for (index, parameters) in cases.enumerated() {
            let probabilities = Self.mixtureProbabilities(logits: parameters.logits, means: parameters.means, logScales: parameters.logScales)
            XCTAssert(probabilities.allSatisfy { $0.isFinite && $0 >= 0 }, "case \(index): \(parameters)")
            XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 2e-4, "case \(index): \(parameters)")
        }
    }

    /// Against the σ-difference formula in Double, relative 1e-3 wherever the probability exceeds
    /// 1e-30 (Float's log-sigmoids keep ~7 digits of each log-probability).
    func testMixtureMatchesPixelCNNPlusPlusFormula() {
        var generator = RandomGenerator(seed: 32)
        for _ in 0..<10 {
            let k = 3
            let logits = (0..<k).map { _ in Double(-2 + 4 * generator.nextUniform()) }
            let means = (0..<k).map { _ in Double(-1.2 + 2.4 * generator.nextUniform()) }
            let logScales = (0..<k).map { _ in Double(-5 + 4 * generator.nextUniform()) }
            let fused = Self.mixtureProbabilities(logits: logits.map(Float.init), means: means.map(Float.init),
                                                  logScales: logScales.map(Float.init))
            for level in [0, 1, 2, 64, 127, 128, 200, 253, 254, 255] {
                // Float parameters as the op sees them, so both sides start from the same numbers.
                let reference = Self.referenceProbability(level: level, logits: logits.map { Double(Float($0)) },
                                                          means: means.map { Double(Float($0)) }, logScales: logScales.map { Double(Float($0)) })
                guard reference > 1e-30 else { continue }
                XCTAssertEqual(fused[level] / reference, 1, accuracy: 1e-3, "level \(level)")
            }
        }
    }

    /// Far in a tail, where 1 − σ differences lose every digit in Float, the identity keeps the
    /// log-probability: level 250 under a narrow logistic at −0.9 lies a ≈ 100 scales to the right,
    /// where P = σ(−a) − σ(−b) ≈ e^(−a)(1 − e^(a − b)).
    func testMixtureIsFiniteAndExactFarInTheTails() {
        let data = Tensor(shape: [1, 1], scalars: [250.0 / 255])
        let nll = Tensor(shape: [1, 3], scalars: [0, -0.9, -4]).discretizedLogisticMixtureNegativeLogLikelihood(data: data, components: 1)
        let s = Foundation.exp(-4.0), x = 2 * 250.0 / 255 - 1
        let b = (x + 0.9 + 1 / 255) / s, a = (x + 0.9 - 1 / 255) / s
        let expected = a - Foundation.log(-Foundation.expm1(a - b))
        XCTAssert(nll.scalars[0].isFinite)
        XCTAssertEqual(Double(nll.scalars[0]), expected, accuracy: 1e-4 * expected)

        // Gradients stay finite at extremes.
        let extreme = Tensor(shape: [1, 3], scalars: [3, 1e30, -7], requiresGradient: true)
        let gradient = extreme.discretizedLogisticMixtureNegativeLogLikelihood(data: Tensor(shape: [1, 1], scalars: [0.5]), components: 1)
            .sum().backward()[extreme]!
        XCTAssert(gradient.scalars.allSatisfy(\.isFinite), "\(gradient.scalars)")
    }

    func testCategoricalProbabilitiesOfTheLevelsSumToOne() {
        var generator = RandomGenerator(seed: 33)
        for scale: Float in [0.1, 10, 1e4] {
            let row = Tensor.normal([Self.levels], using: &generator).scalars.map { $0 * scale }
            let logits = Tensor(shape: [Self.levels, Self.levels], scalars: Array((0..<Self.levels).map { _ in row }.joined()))
            let data = Tensor(shape: [Self.levels, 1], scalars: (0..<Self.levels).map { Float($0) / 255 })
            let probabilities = logits.categoricalLevelsNegativeLogLikelihood(data: data, levels: Self.levels).scalars.map { Foundation.exp(-Double($0)) }
            XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-4, "scale \(scale)")
        }
    }

    /// The means pictures show: a mixture concentrated at one level gives that level; a wide
    /// logistic centred at 0 gives mid-grey; a mean far beyond 1 gives white; the categorical mean
    /// of a one-hot softmax is its level.
    func testMeansOfTheDiscreteLikelihoods() {
        let mixture = Tensor(shape: [1, 12], scalars: [0, 0, 0, 0,  -0.6, 0, 50, 0,  -7, 3, 0, -7])
        let means = DiscreteLevelMeans.logisticMixture(mixture, components: 1).scalars
        assertClose(means, [0.2, 0.5, 1, 0.5], tolerance: 2e-3)
        var logits = [Float](repeating: -50, count: 256 * 2)
        logits[17 * 2] = 50
        logits[200 * 2 + 1] = 50
        assertClose(DiscreteLevelMeans.categorical(Tensor(shape: [1, 512], scalars: logits), levels: 256).scalars,
                    [17.0 / 255, 200.0 / 255], tolerance: 1e-5)
    }
}
