import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The independent-pixels baseline p(x) = Π_i p(x_i): normalized, trained to the data's per-pixel
/// frequencies, its loss falling on real images, and its samples drawn from its marginals.
final class IndependentPixelsTests: XCTestCase {
    /// A model with random logits, so its distribution is far from uniform.
    func randomModel(height: Int, width: Int, distribution: PixelDistribution, seed: UInt64) -> IndependentPixels {
        let model = IndependentPixels(height: height, width: width, distribution: distribution)
        var generator = RandomGenerator(seed: seed)
        let values = Tensor.normal(model.logits.shape, using: &generator).scalars.map { $0 * 2 }
        model.logits.withUnsafeMutableBufferPointer { $0.update(fromContentsOf: values) }
        return model
    }

    /// Σ over every image of p(image) = 1, for Bernoulli and 3-level pixels on 2×2 images.
    func testProbabilitiesOfAllTinyImagesSumToOne() {
        for (distribution, levels) in [(PixelDistribution.bernoulli, 2), (.categorical(levels: 3), 3)] {
            let model = randomModel(height: 2, width: 2, distribution: distribution, seed: 4)
            let images = PixelCNNNormalizationTests.allImages(height: 2, width: 2, levels: levels)
            let rows = images.reshaped([images.shape[0], 4])
            let nll = model.negativeLogLikelihoods(rows, height: 2, width: 2, labels: nil) { _, _ in }
            XCTAssertEqual(nll.count, levels * levels * levels * levels)
            XCTAssertEqual(nll.reduce(0) { $0 + Foundation.exp(-$1) }, 1, accuracy: 1e-5, "\(distribution)")
        }
    }

    /// Trained by the one trainer on binarized real images, every pixel's σ(logit) comes close to
    /// the fraction of images in which it is on: the maximum-likelihood answer.
    func testTrainingReachesThePerPixelFrequencies() throws {
        let images = ImageSet(intensities: try FashionMNISTImages.testImages(count: 512).scalars,
                              labels: Array(repeating: 0, count: 512), rows: 28, columns: 28)
        var configuration = IndependentPixelsConfiguration()
        configuration.batchSize = 64
        let model = configuration.makeModel()
        let trainer = configuration.makeTrainer(model: model)
        let data = configuration.trainingData(images)
        let rows = data.images.tensor()
        let before = model.negativeLogLikelihoods(rows, height: 28, width: 28, labels: nil) { _, _ in }.reduce(0, +) / 512
        for _ in 0..<24 {
            XCTAssert(trainer.trainEpoch(on: data))
            _ = trainer.finishEpoch()
        }
        let after = model.negativeLogLikelihoods(rows, height: 28, width: 28, labels: nil) { _, _ in }.reduce(0, +) / 512
        XCTAssertEqual(before, 784 * Foundation.log(2), accuracy: 1e-3, "every pixel starts uniform")
        // The maximum-likelihood fit: Σ_i H(f_i), f_i the frequency of pixel i (0·log 0 = 0).
        let scalars = rows.scalars
        var optimum = 0.0
        for pixel in 0..<784 {
            let f = (0..<512).reduce(0.0) { $0 + Double(scalars[$1 * 784 + pixel]) } / 512
            if f > 0 && f < 1 { optimum -= f * Foundation.log(f) + (1 - f) * Foundation.log(1 - f) }
        }
        XCTAssertLessThan(after, optimum + 2, "the fit \(after) nats should come within 2 nats of the optimum \(optimum)")
        XCTAssertGreaterThanOrEqual(after, optimum - 1e-3, "no fit beats the maximum-likelihood optimum")
    }

    /// Sampled pixels are on as often as the model says.
    func testSamplesFollowTheMarginals() {
        let model = randomModel(height: 2, width: 3, distribution: .bernoulli, seed: 9)
        var generator = RandomGenerator(seed: 3)
        let samples = model.sample(count: 4000, height: 2, width: 3, labels: nil, using: &generator)
        XCTAssertEqual(samples.shape, [4000, 1, 2, 3])
        let logits = model.logits.scalars, values = samples.scalars
        for pixel in 0..<6 {
            let expected = 1 / (1 + Foundation.exp(-Double(logits[pixel])))
            let observed = (0..<4000).reduce(0.0) { $0 + Double(values[$1 * 6 + pixel]) } / 4000
            XCTAssertEqual(observed, expected, accuracy: 0.03, "pixel \(pixel)")
        }
    }

    /// The likelihood is a product of marginals: changing pixel j changes −log p(x) by an amount
    /// that depends on pixel j alone, whatever the other pixels are.
    func testChangingOnePixelChangesOnlyItsOwnTerm() {
        let model = randomModel(height: 2, width: 2, distribution: .categorical(levels: 3), seed: 5)
        let rows = Tensor(shape: [4, 4], scalars: [0, 0.5, 1, 0,   0, 0.5, 1, 1,   1, 1, 0, 0,   1, 1, 0, 1])
        let nll = model.negativeLogLikelihoods(rows, height: 2, width: 2, labels: nil) { _, _ in }
        // Images 0 → 1 and 2 → 3 both move pixel 3 from level 0 to level 2, with different other pixels.
        XCTAssertEqual(nll[1] - nll[0], nll[3] - nll[2], accuracy: 1e-4)
        XCTAssertNotEqual(nll[1] - nll[0], 0, accuracy: 1e-3)
    }
}
