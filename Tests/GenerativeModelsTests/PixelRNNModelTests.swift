import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// PixelRNN as a model: the reference's architecture, an exact and normalized likelihood, training
/// that lowers it on real images, and samplers that draw from it.
final class PixelRNNModelTests: XCTestCase {
    /// pixelrnn_torch.py reports 71,457 parameters for the Row LSTM and 64,737 for the Diagonal
    /// BiLSTM (L = 7, h = 16), with state_dict keys inp.*, layers.N.rnn.*, layers.N.up.*, out1.*, out2.*.
    func testReferenceArchitecturesMatchPyTorch() {
        var generator = RandomGenerator(seed: 1)
        let row = PixelRNN(kind: .row, using: &generator), diagonal = PixelRNN(kind: .diagonal, using: &generator)
        XCTAssertEqual(row.parameterCount, 71_457)
        XCTAssertEqual(diagonal.parameterCount, 64_737)
        let rowShapes = Dictionary(uniqueKeysWithValues: row.namedParameters.map { ($0.name, $0.tensor.shape) })
        XCTAssertEqual(rowShapes["inp.weight"], [32, 1, 7, 7])
        XCTAssertEqual(rowShapes["layers.6.rnn.i2s.weight"], [64, 32, 1, 3])
        XCTAssertEqual(rowShapes["layers.6.rnn.s2s"], [64, 16, 3])
        XCTAssertEqual(rowShapes["layers.0.up.weight"], [32, 16, 1, 1])
        XCTAssertEqual(rowShapes["out2.weight"], [1, 32, 1, 1])
        let diagonalShapes = Dictionary(uniqueKeysWithValues: diagonal.namedParameters.map { ($0.name, $0.tensor.shape) })
        XCTAssertEqual(diagonalShapes["layers.3.rnn.l2r.i2s.weight"], [64, 32, 1, 1])
        XCTAssertEqual(diagonalShapes["layers.3.rnn.r2l.s2s"], [64, 16, 2])
    }

    /// Σ over every image of exp(−NLL) is 1: for Bernoulli pixels on 2×3 images (64 images) and for
    /// 3 grey levels on 2×2 images (81), both layers, with weights scaled up so the probabilities
    /// are far from uniform.
    func testProbabilitiesOfAllTinyImagesSumToOne() {
        for kind in PixelRNNLayerKind.allCases {
            for (distribution, height, width, levels) in [(PixelDistribution.bernoulli, 2, 3, 2), (.categorical(levels: 3), 2, 2, 3)] {
                var generator = RandomGenerator(seed: 7)
                let model = PixelRNN(kind: kind, layers: 2, units: 3, inputKernelSize: 3, distribution: distribution, using: &generator)
                for parameter in model.parameters {
                    parameter.withUnsafeMutableBufferPointer { values in for index in values.indices { values[index] *= 3 } }
                }
                let images = PixelCNNNormalizationTests.allImages(height: height, width: width, levels: levels)
                let probabilities = withoutGradients { model.negativeLogLikelihood(images, labels: nil) }.scalars.map { Foundation.exp(-Double($0)) }
                XCTAssertEqual(probabilities.reduce(0, +), 1, accuracy: 1e-4, "\(kind), \(distribution)")
                XCTAssertGreaterThan(probabilities.max()! / probabilities.min()!, 5, "\(kind), \(distribution): nearly uniform")
            }
        }
    }

    func testLossFallsOnBinarizedFashionMNIST() throws {
        let intensities = try FashionMNISTImages.testImages(count: 16)
        let images = PixelDistribution.bernoulli.quantized(intensities.reshaped([16, 1, 28, 28]))
        for kind in PixelRNNLayerKind.allCases {
            var generator = RandomGenerator(seed: 3)
            let model = PixelRNN(kind: kind, layers: 1, units: 4, using: &generator)
            let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-2)
            let loss = { model.negativeLogLikelihood(images, labels: nil).mean() }
            let before = withoutGradients { loss() }.scalar
            for _ in 0..<10 { optimizer.step(loss().backward()) }
            let after = withoutGradients { loss() }.scalar
            XCTAssertGreaterThan(before - after, 100, "\(kind): NLL went from \(before) to \(after) nats per image")
            XCTAssertGreaterThan(after, 0)
        }
    }

    /// The fast sampler draws the naive sampler's images from one seed, and the logits it drew
    /// each pixel from are the whole network's logits on the drawn images.
    func testFastSamplerDrawsFromTheNetworksConditionals() {
        for kind in PixelRNNLayerKind.allCases {
            for distribution in [PixelDistribution.bernoulli, .categorical(levels: 4)] {
                var generator = RandomGenerator(seed: 9)
                let model = PixelRNN(kind: kind, layers: 2, units: 3, distribution: distribution, using: &generator)
                var fastGenerator = RandomGenerator(seed: 4), naiveGenerator = RandomGenerator(seed: 4), keptGenerator = RandomGenerator(seed: 4)
                let fast = model.sample(count: 3, height: 6, width: 7, using: &fastGenerator)
                let naive = model.sampleNaively(count: 3, height: 6, width: 7, using: &naiveGenerator)
                XCTAssertEqual(fast.shape, [3, 1, 6, 7])
                XCTAssertEqual(fast.scalars, naive.scalars, "\(kind), \(distribution)")
                XCTAssertEqual(fastGenerator, naiveGenerator)
                let (images, logits) = model.sampleKeepingLogits(count: 3, height: 6, width: 7, using: &keptGenerator)
                let expected = withoutGradients { model.logits(images) }.scalars
                let worst = zip(logits.scalars, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-5, "\(kind), \(distribution)")
            }
        }
    }

    func testCompletionKeepsTheGivenPixelsAndDrawsTheRest() {
        var generator = RandomGenerator(seed: 10)
        let model = PixelRNN(kind: .diagonal, layers: 1, units: 3, using: &generator)
        let given = Tensor(shape: [2, 1, 5, 5], scalars: (0..<50).map { Float(($0 * 7) % 3 == 0 ? 1 : 0) })
        let completed = model.complete(given, givenPixels: 12, using: &generator)
        for image in 0..<2 {
            XCTAssertEqual(Array(completed.scalars[(image * 25)..<(image * 25 + 12)]), Array(given.scalars[(image * 25)..<(image * 25 + 12)]))
        }
        XCTAssertTrue(completed.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    }

    /// The same steps with bf16 GEMMs, for both layers: the loss must fall as far.
    func testLossFallsOnBinarizedFashionMNISTInBFloat16() throws { try GEMMPrecision.with(.bfloat16) { try testLossFallsOnBinarizedFashionMNIST() } }
}
