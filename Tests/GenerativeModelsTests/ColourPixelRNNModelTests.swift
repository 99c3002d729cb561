import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The colour PixelRNN as a model, both layers: a normalized likelihood over sub-pixels, training
/// that lowers it on real CIFAR-10 images, a fast sampler that draws R, G, B from the network's
/// conditionals, completion, and the grey model's names kept.
final class ColourPixelRNNModelTests: XCTestCase {
    static func model(_ kind: PixelRNNLayerKind, units: Int = 3, levels: Int, inputKernelSize: Int = 3, seed: UInt64) -> PixelRNN {
        var generator = RandomGenerator(seed: seed)
        return PixelRNN(kind: kind, layers: 2, units: units, inputKernelSize: inputKernelSize, distribution: .categorical(levels: levels),
                        imageChannels: 3, using: &generator)
    }

    /// Σ over every colour image of exp(−NLL), in Double, in batches.
    static func totalProbability(_ model: PixelRNN, height: Int, width: Int, levels: Int) -> (total: Double, ratio: Double) {
        let images = ColourPixelCNNTests.allImages(height: height, width: width, levels: levels)
        let count = images.shape[0], batch = 65_536, values = 3 * height * width
        var total = 0.0, largest = 0.0, smallest = Double.infinity
        withoutGradients {
            for start in stride(from: 0, to: count, by: batch) {
                let size = Swift.min(batch, count - start)
                let slice = Tensor(shape: [size, 3, height, width],
                                   scalars: Array(images.scalars[(start * values)..<((start + size) * values)]))
                for nll in model.negativeLogLikelihood(slice, labels: nil).scalars {
                    let probability = Foundation.exp(-Double(nll))
                    total += probability
                    (largest, smallest) = (Swift.max(largest, probability), Swift.min(smallest, probability))
                }
            }
        }
        return (total, largest / smallest)
    }

    /// Σ p = 1 over every colour image of each size, both layers, with weights scaled up so the
    /// probabilities are far from uniform. A mask that let a sub-pixel see itself or a later one
    /// would break it.
    func assertNormalized(levels: Int, sizes: [(height: Int, width: Int)], file: StaticString = #filePath, line: UInt = #line) {
        for kind in PixelRNNLayerKind.allCases {
            for (height, width) in sizes {
                let model = Self.model(kind, levels: levels, seed: 7)
                for parameter in model.parameters {
                    parameter.withUnsafeMutableBufferPointer { values in for index in values.indices { values[index] *= 3 } }
                }
                let (total, ratio) = Self.totalProbability(model, height: height, width: width, levels: levels)
                XCTAssertEqual(total, 1, accuracy: 1e-4, "\(kind), \(levels) levels on \(height)×\(width): Σ p = \(total)",
                               file: file, line: line)
                XCTAssertGreaterThan(ratio, 5, "\(kind), \(levels) levels on \(height)×\(width): nearly uniform", file: file, line: line)
            }
        }
    }

    /// Every 2×2 colour image with 2 levels per sub-pixel (2^12 = 4,096 images), and every 1×2 and
    /// 2×1 one with 3 levels (3^6 = 729).
    func testProbabilitiesOfEveryTinyColourImageSumToOne() {
        assertNormalized(levels: 2, sizes: [(2, 2)])
        assertNormalized(levels: 3, sizes: [(1, 2), (2, 1)])
    }

    /// Every 2×2 colour image with 3 levels per sub-pixel, 3^12 = 531,441 images: about two
    /// minutes in a debug build, so only with LATENT_SLOW_TESTS=1.
    func testProbabilitiesOfEveryThreeLevelTwoByTwoColourImageSumToOne() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["LATENT_SLOW_TESTS"] == "1", "set LATENT_SLOW_TESTS=1 to enumerate 531,441 images")
        assertNormalized(levels: 3, sizes: [(2, 2)])
    }

    /// The top-left 12×12 of 16 real CIFAR-10 records of the committed excerpt (the whole 32×32
    /// would be slow in a debug build), 256 levels per sub-pixel.
    func testLossFallsOnRealCIFARImages() throws {
        let training = try CIFAR10Folder.load(directory: ColourPixelCNNTests.cifar).training.prefix(16)
        let distribution = PixelDistribution.categorical(levels: 256)
        let images = distribution.quantized(training.tensor().reshaped([16, 3, 32, 32]).slice(axis: 2, 0..<12).slice(axis: 3, 0..<12))
        for kind in PixelRNNLayerKind.allCases {
            var generator = RandomGenerator(seed: 4)
            let model = PixelRNN(kind: kind, layers: 1, units: 6, distribution: distribution, imageChannels: 3, using: &generator)
            let optimizer = Adam(parameters: model.namedParameters, learningRate: 3e-2)
            let loss = { model.negativeLogLikelihood(images, labels: nil).mean() }
            let before = withoutGradients { loss() }.scalar
            for _ in 0..<12 { optimizer.step(loss().backward()) }
            let after = withoutGradients { loss() }.scalar
            // Uniform over 256 levels is 432 · ln 256 ≈ 2,396 nats per image.
            XCTAssertEqual(before, 432 * Foundation.log(256), accuracy: 250, "\(kind)")
            XCTAssertLessThan(after, before - 50, "\(kind): NLL went from \(before) to \(after) nats per image")
        }
    }

    /// The fast sampler draws the naive sampler's images from one seed, R, G, B at each pixel, and
    /// the logits it drew each sub-pixel from are the whole network's logits on the drawn images.
    /// Completion keeps every colour of the given pixels.
    func testFastSamplerDrawsFromTheNetworksConditionalsAndCompletes() {
        let (count, height, width) = (3, 5, 6)
        for kind in PixelRNNLayerKind.allCases {
            let model = Self.model(kind, units: 6, levels: 5, inputKernelSize: 5, seed: 9)
            var fastGenerator = RandomGenerator(seed: 4), naiveGenerator = RandomGenerator(seed: 4), keptGenerator = RandomGenerator(seed: 4)
            let fast = model.sample(count: count, height: height, width: width, using: &fastGenerator)
            let naive = model.sampleNaively(count: count, height: height, width: width, using: &naiveGenerator)
            XCTAssertEqual(fast.shape, [count, 3, height, width])
            XCTAssertEqual(fast.scalars, naive.scalars, "\(kind): the fast and naive samplers drew different images")
            XCTAssertEqual(fastGenerator, naiveGenerator)
            XCTAssertGreaterThan(Set(fast.scalars).count, 3, "\(kind): drew only \(Set(fast.scalars))")
            let (images, logits) = model.sampleKeepingLogits(count: count, height: height, width: width, using: &keptGenerator)
            XCTAssertEqual(images.scalars, fast.scalars)
            XCTAssertEqual(logits.shape, [count, 15, height, width])
            let expected = withoutGradients { model.logits(images) }.scalars
            let worst = zip(logits.scalars, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
            XCTAssertLessThan(worst, 1e-5, "\(kind): the fast sampler's logits differ from the network's by up to \(worst)")

            var completionGenerator = RandomGenerator(seed: 11)
            let given = 2 * width + 1, plane = height * width
            let completed = model.complete(fast, givenPixels: given, using: &completionGenerator)
            XCTAssertEqual(completed.shape, fast.shape)
            for image in 0..<count {
                for channel in 0..<3 {
                    let start = (image * 3 + channel) * plane
                    XCTAssertEqual(Array(completed.scalars[start..<(start + given)]), Array(fast.scalars[start..<(start + given)]))
                }
            }
        }
    }

    /// The colour model keeps the grey model's parameter names, with three input channels and
    /// 3·L outputs; its 1×1 maps are masked, the grey model's are not.
    func testColourModelKeepsTheGreyNames() {
        for kind in PixelRNNLayerKind.allCases {
            var generator = RandomGenerator(seed: 1)
            let colour = PixelRNN(kind: kind, layers: 2, units: 6, distribution: .categorical(levels: 256), imageChannels: 3, using: &generator)
            let grey = PixelRNN(kind: kind, layers: 2, units: 6, distribution: .categorical(levels: 256), using: &generator)
            XCTAssertEqual(colour.namedParameters.map(\.name), grey.namedParameters.map(\.name), "\(kind)")
            let shapes = Dictionary(uniqueKeysWithValues: colour.namedParameters.map { ($0.name, $0.tensor.shape) })
            XCTAssertEqual(shapes["inp.weight"], [12, 3, 7, 7])
            XCTAssertEqual(shapes["out2.weight"], [768, 12, 1, 1])
            XCTAssertEqual(shapes["layers.1.up.weight"], [12, 6, 1, 1])
            XCTAssertTrue(colour.out1 is MaskedConv2d && colour.layers[0].up is MaskedConv2d)
            XCTAssertTrue(grey.out1 is Conv2d && grey.layers[0].up is Conv2d)
            XCTAssertEqual(colour.imageChannels, 3)
            XCTAssertEqual(grey.imageChannels, 1)
        }
    }
}
