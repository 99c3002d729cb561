import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The likelihood is exact and normalized: on images small enough to list them all, the
/// probabilities exp(−NLL) of every possible image add up to 1. A mask that let a pixel see itself
/// or a later pixel would break this (the product of conditionals would no longer be a distribution).
final class PixelCNNNormalizationTests: XCTestCase {
    /// Every image of height×width pixels with `levels` values each, as [levels^(h·w), 1, h, w] in
    /// the representation k/(levels − 1); image i has pixel t at digit t of i in base `levels`.
    static func allImages(height: Int, width: Int, levels: Int) -> Tensor {
        let pixels = height * width
        let count = (0..<pixels).reduce(1) { product, _ in product * levels }
        var values = [Float](repeating: 0, count: count * pixels)
        for image in 0..<count {
            var rest = image
            for pixel in 0..<pixels {
                values[image * pixels + pixel] = Float(rest % levels) / Float(levels - 1)
                rest /= levels
            }
        }
        return Tensor(shape: [count, 1, height, width], scalars: values)
    }

    /// Σ over all images of p(image), in Double.
    static func totalProbability(_ model: PixelCNN, height: Int, width: Int, levels: Int, label: Int? = nil) -> Double {
        let images = allImages(height: height, width: width, levels: levels)
        let labels = label.map { Array(repeating: $0, count: images.shape[0]) }
        let nll = withoutGradients { model.negativeLogLikelihood(images, labels: labels) }
        return nll.scalars.reduce(0) { $0 + Foundation.exp(-Double($1)) }
    }

    func testBernoulliProbabilitiesOfAll512ThreeByThreeImagesSumToOne() {
        var generator = RandomGenerator(seed: 11)
        let plain = PixelCNN(channels: 8, residualBlocks: 2, using: &generator)
        let gated = PixelCNN(channels: 6, residualBlocks: 2, firstKernelSize: 5, gated: true, using: &generator)
        // Logits of a few units, so the 512 probabilities are far from uniform (1/512 each).
        for (name, model) in [("plain", plain), ("gated", gated)] {
            scaleWeights(of: model, by: 3)
            let total = Self.totalProbability(model, height: 3, width: 3, levels: 2)
            XCTAssertEqual(total, 1, accuracy: 1e-4, "\(name)")
            let probabilities = withoutGradients { model.negativeLogLikelihood(Self.allImages(height: 3, width: 3, levels: 2)) }
                .scalars.map { Foundation.exp(-Double($0)) }
            XCTAssertGreaterThan(probabilities.max()! / probabilities.min()!, 10, "\(name): probabilities nearly uniform")
        }
    }

    /// For a class-conditional model, p(x | y) is normalized for every label y.
    func testClassConditionalProbabilitiesSumToOneForEveryLabel() {
        var generator = RandomGenerator(seed: 12)
        let model = PixelCNN(channels: 6, residualBlocks: 2, classes: 3, using: &generator)
        scaleWeights(of: model, by: 3)
        var totals: [Double] = []
        for label in 0..<3 {
            totals.append(Self.totalProbability(model, height: 3, width: 3, levels: 2, label: label))
            XCTAssertEqual(totals[label], 1, accuracy: 1e-4, "label \(label)")
        }
        // The labels change the distribution: the probability of the empty image differs across them.
        let empty = Tensor.zeros([3, 1, 3, 3])
        let nll = withoutGradients { model.negativeLogLikelihood(empty, labels: [0, 1, 2]) }.scalars
        XCTAssertGreaterThan(Swift.abs(nll[0] - nll[1]) + Swift.abs(nll[1] - nll[2]), 1e-3)
    }

    /// 256 images of 2×2 pixels with 4 grey levels, and 729 of 2×3 with 3 levels (gated).
    func testCategoricalProbabilitiesSumToOne() {
        var generator = RandomGenerator(seed: 13)
        let plain = PixelCNN(channels: 6, residualBlocks: 2, distribution: .categorical(levels: 4), using: &generator)
        scaleWeights(of: plain, by: 3)
        XCTAssertEqual(Self.totalProbability(plain, height: 2, width: 2, levels: 4), 1, accuracy: 1e-4)
        let gated = PixelCNN(channels: 4, residualBlocks: 1, firstKernelSize: 3, distribution: .categorical(levels: 3),
                             gated: true, using: &generator)
        scaleWeights(of: gated, by: 3)
        XCTAssertEqual(Self.totalProbability(gated, height: 2, width: 3, levels: 3), 1, accuracy: 1e-4)
    }

    /// Multiplies every parameter by `factor` in place.
    func scaleWeights(of model: PixelCNN, by factor: Float) {
        for parameter in model.parameters {
            parameter.withUnsafeMutableBufferPointer { values in
                for index in values.indices { values[index] *= factor }
            }
        }
    }
}
