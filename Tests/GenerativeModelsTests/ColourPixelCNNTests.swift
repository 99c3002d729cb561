import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The colour PixelCNN: p(x_t | x_<t) = p(R | x_<t) · p(G | x_<t, R) · p(B | x_<t, R, G), through
/// the channel-group masks at the kernel centre.
final class ColourPixelCNNTests: XCTestCase {
    /// 5×6 colour images, so rows and columns cannot be swapped unnoticed.
    static let height = 5, width = 6

    /// ∂(w · logits of colour `colour` at (row, column)) / ∂image for four random images, with random
    /// weights w over those logits: [4][3·H·W], each C×H×W. Several images, because a ReLU that is
    /// off at a pixel for one image can hide a dependence.
    static func inputGradients(of model: PixelCNN, row: Int, column: Int, colour: Int, seed: UInt64 = 5) -> [[Float]] {
        var generator = RandomGenerator(seed: seed)
        let count = 4, pixels = height * width, values = 3 * pixels
        let images = Tensor.uniform([count, 3, height, width], using: &generator, requiresGradient: true)
        let logits = model.logits(images)
        let levels = model.distribution.logitsPerPixel
        var upstream = [Float](repeating: 0, count: logits.elementCount)
        for image in 0..<count {
            for level in (colour * levels)..<((colour + 1) * levels) {
                upstream[(image * 3 * levels + level) * pixels + row * width + column] = 0.5 + generator.nextUniform()
            }
        }
        let gradient = logits.backward(seed: Tensor(shape: logits.shape, scalars: upstream))[images]?.scalars
            ?? [Float](repeating: 0, count: count * values)
        return (0..<count).map { Array(gradient[($0 * values)..<(($0 + 1) * values)]) }
    }

    /// The gradient of colour c's logits at (row, column) is exactly zero at every later pixel and
    /// at channels c and later of the pixel itself; and non-zero at the channels before c of the
    /// pixel and at the pixel to the left and above (all channels), where they exist.
    func testEveryLogitSeesOnlyEarlierPixelsAndEarlierColoursOfItsPixel() {
        var generator = RandomGenerator(seed: 1)
        let model = PixelCNN(channels: 12, residualBlocks: 2, firstKernelSize: 5, distribution: .categorical(levels: 4),
                             imageChannels: 3, centresInput: true, using: &generator)
        let (height, width) = (Self.height, Self.width), pixels = height * width
        let positions = [(0, 0), (0, 5), (1, 0), (2, 3), (4, 0), (4, 5)]
        for (row, column) in positions {
            let current = row * width + column
            for colour in 0..<3 {
                let gradients = Self.inputGradients(of: model, row: row, column: column, colour: colour)
                for gradient in gradients {
                    for channel in 0..<3 {
                        for pixel in current..<pixels where gradient[channel * pixels + pixel] != 0 {
                            guard pixel == current && channel < colour else {
                                return XCTFail("colour \(colour) at (\(row), \(column)) depends on channel \(channel) of pixel "
                                               + "(\(pixel / width), \(pixel % width))")
                            }
                        }
                    }
                }
                for channel in 0..<colour {
                    XCTAssertTrue(gradients.contains { $0[channel * pixels + current] != 0 },
                                  "colour \(colour) at (\(row), \(column)) does not see channel \(channel) of its pixel")
                }
                for channel in 0..<3 {
                    if column > 0 {
                        XCTAssertTrue(gradients.contains { $0[channel * pixels + current - 1] != 0 },
                                      "colour \(colour) at (\(row), \(column)) does not see channel \(channel) on its left")
                    }
                    if row > 0 {
                        XCTAssertTrue(gradients.contains { $0[channel * pixels + current - width] != 0 },
                                      "colour \(colour) at (\(row), \(column)) does not see channel \(channel) above")
                    }
                }
            }
        }
    }

    /// Every colour image of height×width pixels with `levels` values per sub-pixel, [levels^(3·h·w),
    /// 3, h, w]; image i has sub-pixel v (C×H×W order) at digit v of i in base `levels`.
    static func allImages(height: Int, width: Int, levels: Int) -> Tensor {
        let values = 3 * height * width
        let count = (0..<values).reduce(1) { product, _ in product * levels }
        var scalars = [Float](repeating: 0, count: count * values)
        for image in 0..<count {
            var rest = image
            for value in 0..<values {
                scalars[image * values + value] = Float(rest % levels) / Float(levels - 1)
                rest /= levels
            }
        }
        return Tensor(shape: [count, 3, height, width], scalars: scalars)
    }

    /// Σ over every image of p(image), in Double.
    static func totalProbability(_ model: PixelCNN, height: Int, width: Int, levels: Int) -> Double {
        let images = allImages(height: height, width: width, levels: levels)
        let nll = withoutGradients { model.negativeLogLikelihood(images) }
        return nll.scalars.reduce(0) { $0 + Foundation.exp(-Double($1)) }
    }

    /// All 2^12 = 4,096 two-level 2×2 colour images, and all 3^6 = 729 three-level 1×2 and 2×1
    /// ones (3^12 = 531,441 2×2 images would be too slow for the suite), each summing to 1. A
    /// mask that let a sub-pixel see itself or a later one would break it.
    func testProbabilitiesOfEveryImageSumToOne() {
        var generator = RandomGenerator(seed: 2)
        for (levels, height, width) in [(2, 2, 2), (3, 1, 2), (3, 2, 1)] {
            let model = PixelCNN(channels: 6, residualBlocks: 2, firstKernelSize: 3, distribution: .categorical(levels: levels),
                                 classes: 0, imageChannels: 3, centresInput: true, using: &generator)
            let total = Self.totalProbability(model, height: height, width: width, levels: levels)
            XCTAssertEqual(total, 1, accuracy: 1e-4, "\(levels) levels on \(height)×\(width): Σ p = \(total)")
        }
    }

    func testFastSamplerDrawsTheNaiveSamplersImagesAndLogits() {
        var generator = RandomGenerator(seed: 3)
        // The network reads centred values (2v − 1), as the default colour model does; the fast
        // sampler's first layer must read the same.
        let model = PixelCNN(channels: 6, residualBlocks: 2, firstKernelSize: 5, distribution: .categorical(levels: 7),
                             classes: 2, imageChannels: 3, centresInput: true, using: &generator)
        let (count, height, width, labels) = (3, 5, 4, [1, 0, 1])
        var fastGenerator = RandomGenerator(seed: 10), naiveGenerator = RandomGenerator(seed: 10)
        let fast = model.sample(count: count, height: height, width: width, labels: labels, using: &fastGenerator)
        let naive = model.sampleNaively(count: count, height: height, width: width, labels: labels, using: &naiveGenerator)
        XCTAssertEqual(fast.shape, [count, 3, height, width])
        XCTAssertEqual(fast.scalars, naive.scalars, "the fast and naive samplers drew different images")
        XCTAssertEqual(fastGenerator, naiveGenerator)
        XCTAssertGreaterThan(Set(fast.scalars).count, 3, "drew only \(Set(fast.scalars))")

        var uniformGenerator = RandomGenerator(seed: 10)
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: 3 * height * width, using: &uniformGenerator)
        let sampler = IncrementalPixelCNNSampler(model: model, images: count, height: height, width: width, labels: labels)
        let (images, logits) = sampler.run(uniforms: uniforms, keepingLogits: true)
        XCTAssertEqual(images.scalars, fast.scalars)
        let expected = withoutGradients { model.logits(images, labels: labels) }.scalars
        let worst = zip(logits!.scalars, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5, "the fast sampler's logits differ from the network's by up to \(worst)")

        // Completion keeps the given rows, all three colours of them.
        var completionGenerator = RandomGenerator(seed: 11)
        let completed = model.complete(fast, givenPixels: 2 * width, labels: labels, using: &completionGenerator)
        let plane = height * width
        for image in 0..<count {
            for channel in 0..<3 {
                let start = (image * 3 + channel) * plane
                XCTAssertEqual(Array(completed.scalars[start..<(start + 2 * width)]), Array(fast.scalars[start..<(start + 2 * width)]))
            }
        }
    }

    /// The CIFAR-10 excerpt of the Datasets fixtures.
    static let cifar = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures/cifar10")

    /// The top-left 12×12 of 16 real CIFAR-10 records (the whole 32×32 would be slow in a debug build).
    func testLossFallsOnRealCIFARImages() throws {
        let training = try CIFAR10Folder.load(directory: Self.cifar).training.prefix(16)
        let distribution = PixelDistribution.categorical(levels: 256)
        let images = distribution.quantized(training.tensor().reshaped([16, 3, 32, 32]).slice(axis: 2, 0..<12).slice(axis: 3, 0..<12))
        var generator = RandomGenerator(seed: 4)
        let model = PixelCNN(channels: 12, residualBlocks: 1, distribution: distribution, imageChannels: 3, centresInput: true, using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 3e-2)
        let before = withoutGradients { model.loss(images) }.scalar
        for _ in 0..<12 { optimizer.step(model.loss(images).backward()) }
        let after = withoutGradients { model.loss(images) }.scalar
        // Uniform over 256 levels is 432 · ln 256 ≈ 2,396 nats per image.
        XCTAssertEqual(before, 432 * Foundation.log(256), accuracy: 250)
        XCTAssertLessThan(after, before - 50, "NLL went from \(before) to \(after) nats per image")
    }

    /// Evaluation batches hold at most 128 MiB of logits: 42 colour images of 32×32 with 256
    /// levels per sub-pixel (3 MiB of logits each), 500 binary grey ones; the figures do not
    /// depend on the batch.
    func testEvaluationBatchesBoundTheirLogits() {
        var generator = RandomGenerator(seed: 4)
        let colour = PixelCNN(channels: 6, residualBlocks: 1, firstKernelSize: 3, distribution: .categorical(levels: 256),
                              imageChannels: 3, centresInput: true, using: &generator)
        XCTAssertEqual(colour.evaluationBatchSize(height: 32, width: 32), 42)
        XCTAssertEqual(PixelCNN(channels: 4, residualBlocks: 1, using: &generator).evaluationBatchSize(height: 28, width: 28), 500)
        let rows = Tensor.uniform([9, 3 * Self.height * Self.width], using: &generator)
        let whole = colour.negativeLogLikelihoods(rows, height: Self.height, width: Self.width, labels: nil)
        let inFours = colour.negativeLogLikelihoods(rows, height: Self.height, width: Self.width, labels: nil, batchSize: 4)
        for (a, b) in zip(whole, inFours) { XCTAssertEqual(a, b, accuracy: 1e-3 * Swift.abs(b)) }
    }

    func testDisconnectedCentreWeightsStayZeroAndTheGreyModelIsUnchanged() {
        var generator = RandomGenerator(seed: 5)
        let colour = PixelCNN(channels: 6, residualBlocks: 1, distribution: .categorical(levels: 4), imageChannels: 3, using: &generator)
        XCTAssertEqual(colour.inp!.weight.shape, [6, 3, 7, 7])
        XCTAssertEqual(colour.colourOut!.weight.shape, [12, 6, 1, 1])
        XCTAssertNil(colour.out)
        // Mask A: the R outputs (0, 1) read nothing at the centre, G (2, 3) reads R, B (4, 5) R and G.
        let centre = 3 * 7 + 3
        let weight = colour.inp!.weight.scalars
        for output in 0..<6 {
            let seen = (0..<3).filter { weight[(output * 3 + $0) * 49 + centre] != 0 }
            XCTAssertEqual(seen, Array(0..<(output / 2)), "output \(output) reads \(seen) at the centre")
        }
        XCTAssertEqual(Set(colour.namedParameters.map(\.name)),
                       ["inp.weight", "inp.bias", "res.0.weight", "res.0.bias", "colourOut.weight", "colourOut.bias"])
        let grey = PixelCNN(channels: 6, residualBlocks: 1, using: &generator)
        XCTAssertNil(grey.colourOut)
        XCTAssertEqual(grey.inp!.mask, .causal(.a, size: 7))
    }

    /// The same steps with bf16 GEMMs: the loss must fall as far.
    func testLossFallsOnRealCIFARImagesInBFloat16() throws { try GEMMPrecision.with(.bfloat16) { try testLossFallsOnRealCIFARImages() } }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testEveryLogitSeesOnlyEarlierPixelsAndEarlierColoursOfItsPixelInBFloat16() { GEMMPrecision.with(.bfloat16) { testEveryLogitSeesOnlyEarlierPixelsAndEarlierColoursOfItsPixel() } }
}
