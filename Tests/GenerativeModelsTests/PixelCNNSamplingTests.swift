import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The fast sampler, which computes each layer once per pixel, draws exactly the images of the
/// naive one, which runs the whole network once per pixel, from the same seed.
final class PixelCNNSamplingTests: XCTestCase {
    /// Samples both ways from one seed and asserts equal images, and that the logits the fast
    /// sampler drew each pixel from equal the whole network's logits on the drawn images (a
    /// stronger check than equal images, which a small error in a logit rarely changes).
    /// Returns the images.
    @discardableResult
    func assertSamplersAgree(_ model: PixelCNN, count: Int, height: Int, width: Int, labels: [Int]? = nil, seed: UInt64,
                             _ name: String, file: StaticString = #filePath, line: UInt = #line) -> Tensor {
        var fastGenerator = RandomGenerator(seed: seed), naiveGenerator = RandomGenerator(seed: seed)
        let fast = model.sample(count: count, height: height, width: width, labels: labels, using: &fastGenerator)
        let naive = model.sampleNaively(count: count, height: height, width: width, labels: labels, using: &naiveGenerator)
        XCTAssertEqual(fast.shape, [count, 1, height, width], name, file: file, line: line)
        XCTAssertEqual(fast.scalars, naive.scalars, "\(name): the fast and naive samplers drew different images", file: file, line: line)
        XCTAssertEqual(fastGenerator, naiveGenerator, "\(name): the samplers used different numbers of draws", file: file, line: line)

        var generator = RandomGenerator(seed: seed)
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: height * width, using: &generator)
        let sampler = IncrementalPixelCNNSampler(model: model, images: count, height: height, width: width, labels: labels)
        let (images, logits) = sampler.run(uniforms: uniforms, keepingLogits: true)
        XCTAssertEqual(images.scalars, fast.scalars, name, file: file, line: line)
        let expected = withoutGradients { model.logits(images, labels: labels) }.scalars
        let worst = zip(logits!.scalars, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-5, "\(name): the fast sampler's logits differ from the network's by up to \(worst)",
                          file: file, line: line)
        return fast
    }

    func testFastSamplerDrawsTheNaiveSamplersImages() {
        var generator = RandomGenerator(seed: 1)
        let plain = PixelCNN(channels: 8, residualBlocks: 3, using: &generator)
        let images = assertSamplersAgree(plain, count: 3, height: 7, width: 8, seed: 10, "plain, Bernoulli")
        // Not a degenerate draw: both pixel values occur.
        XCTAssertTrue(Set(images.scalars) == [0, 1], "plain, Bernoulli: drew only \(Set(images.scalars))")
        let gated = PixelCNN(channels: 6, residualBlocks: 3, gated: true, using: &generator)
        assertSamplersAgree(gated, count: 3, height: 7, width: 8, seed: 11, "gated, Bernoulli")
    }

    func testFastSamplerMatchesForCategoricalAndConditionalModels() {
        var generator = RandomGenerator(seed: 2)
        let categorical = PixelCNN(channels: 6, residualBlocks: 2, hiddenKernelSize: 5, distribution: .categorical(levels: 5),
                                   classes: 3, using: &generator)
        let images = assertSamplersAgree(categorical, count: 3, height: 6, width: 5, labels: [0, 2, 1], seed: 12,
                                         "plain, categorical, class-conditional")
        XCTAssertGreaterThan(Set(images.scalars).count, 2, "categorical: drew only \(Set(images.scalars))")
        let gated = PixelCNN(channels: 4, residualBlocks: 2, firstKernelSize: 5, distribution: .categorical(levels: 3),
                             classes: 2, gated: true, using: &generator)
        assertSamplersAgree(gated, count: 2, height: 6, width: 5, labels: [1, 0], seed: 13, "gated, categorical, class-conditional")
    }

    /// The reference architecture's depth and kernels (with 8 channels) on 28-pixel-wide images.
    func testFastSamplerMatchesOnTheReferenceArchitecture() {
        var generator = RandomGenerator(seed: 3)
        let model = PixelCNN(channels: 8, residualBlocks: 5, using: &generator)
        assertSamplersAgree(model, count: 2, height: 8, width: 28, seed: 14, "reference architecture, 8 channels")
    }

    /// Same seed, same images; another seed, other images.
    func testSamplingIsSeeded() {
        var generator = RandomGenerator(seed: 4)
        let model = PixelCNN(channels: 4, residualBlocks: 1, using: &generator)
        var a = RandomGenerator(seed: 20), b = RandomGenerator(seed: 20), c = RandomGenerator(seed: 21)
        let first = model.sample(count: 4, height: 8, width: 8, using: &a)
        XCTAssertEqual(first.scalars, model.sample(count: 4, height: 8, width: 8, using: &b).scalars)
        XCTAssertNotEqual(first.scalars, model.sample(count: 4, height: 8, width: 8, using: &c).scalars)
        XCTAssertEqual(model.sample(count: 0, height: 8, width: 8, using: &c).shape, [0, 1, 8, 8])
    }
}
