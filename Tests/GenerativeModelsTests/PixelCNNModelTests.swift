import Datasets
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// PixelCNN's structure (the reference's parameters and names), its two ways of computing the
/// masked convolutions, its configuration, and learning on real binarized Fashion-MNIST.
final class PixelCNNModelTests: XCTestCase {
    /// pixelcnn_torch.py's PixelCNN(): `parameters: 187905`, with state_dict keys inp.*, res.N.*,
    /// out.* (plus the mask buffers, which are not parameters).
    func testReferenceArchitectureMatchesPyTorch() {
        let model = PixelCNNConfiguration().makeModel()
        XCTAssertEqual(model.parameterCount, 64 * 49 + 64 + 5 * (64 * 64 * 9 + 64) + 64 + 1)
        XCTAssertEqual(model.parameterCount, 187_905)
        let shapes = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.tensor.shape) })
        var expected: [String: Shape] = ["inp.weight": [64, 1, 7, 7], "inp.bias": [64], "out.weight": [1, 64, 1, 1], "out.bias": [1]]
        for block in 0..<5 {
            expected["res.\(block).weight"] = [64, 64, 3, 3]
            expected["res.\(block).bias"] = [64]
        }
        XCTAssertEqual(shapes, expected)
        XCTAssertEqual(model.distribution, .bernoulli)
        XCTAssertFalse(model.isGated || model.isConditional)
        // Dead taps start at zero: the stored weight is the effective kernel.
        let mask = KernelMask.causal(.a, size: 7).tensor().scalars
        let weight = model.inp!.weight.scalars
        for (index, value) in weight.enumerated() where mask[index % 49] == 0 { XCTAssertEqual(value, 0) }
    }

    func testVariantsHaveTheirParameters() {
        var generator = RandomGenerator(seed: 1)
        let conditional = PixelCNN(channels: 8, residualBlocks: 2, distribution: .categorical(levels: 16), classes: 10,
                                   using: &generator)
        let names = Set(conditional.namedParameters.map(\.name))
        XCTAssertTrue(names.isSuperset(of: ["classBiases.0.weight", "classBiases.2.weight", "outClassBias.weight", "out.weight"]))
        XCTAssertEqual(conditional.classBiases.count, 3)
        XCTAssertEqual(conditional.out?.weight.shape, [16, 8, 1, 1])
        XCTAssertEqual(conditional.classBiases[2].weight.shape, [8, 10])
        XCTAssertEqual(conditional.outClassBias?.weight.shape, [16, 10])
        let gated = PixelCNN(channels: 8, residualBlocks: 2, classes: 10, gated: true, using: &generator)
        XCTAssertEqual(gated.gatedLayers.count, 3)
        XCTAssertEqual(gated.parameterDictionary["gatedLayers.0.vertical.weight"]?.shape, [16, 1, 7, 7])
        XCTAssertEqual(gated.parameterDictionary["gatedLayers.1.horizontal.weight"]?.shape, [16, 8, 1, 3])
        XCTAssertEqual(gated.parameterDictionary["gatedLayers.2.verticalClassBias.weight"]?.shape, [16, 10])
        XCTAssertEqual(gated.parameterDictionary["outClassBias.weight"]?.shape, [1, 10])
        XCTAssertNil(gated.inp)
    }

    /// Live-tap and full-kernel computation give the same logits and gradients.
    func testLiveTapsAndFullKernelsAgree() {
        var generator = RandomGenerator(seed: 2)
        for model in [PixelCNN(channels: 8, residualBlocks: 2, classes: 2, using: &generator),
                      PixelCNN(channels: 6, residualBlocks: 2, distribution: .categorical(levels: 3), gated: true, using: &generator)] {
            let images = model.distribution.quantized(Tensor.uniform([3, 1, 6, 7], using: &generator))
            let labels = model.isConditional ? [0, 1, 1] : nil
            func run() -> [[Float]] {
                let loss = model.loss(images, labels: labels)
                let gradients = loss.backward()
                return [[loss.scalar]] + model.parameters.map { gradients[$0]?.scalars ?? [] }
            }
            model.setComputation(.liveTaps)
            let live = run()
            model.setComputation(.fullKernel)
            let full = run()
            for (index, (a, b)) in zip(live, full).enumerated() {
                XCTAssertEqual(a.count, b.count)
                for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-4 * Swift.max(1, Swift.abs(y)), "result \(index)") }
            }
        }
    }

    func testConfigurationRoundTripsAndBuildsTheModel() throws {
        var configuration = PixelCNNConfiguration()
        XCTAssertEqual(configuration.distribution, .bernoulli)
        configuration.output = .categorical
        configuration.levels = 8
        configuration.gated = true
        configuration.classes = 10
        configuration.channels = 4
        configuration.residualBlocks = 1
        let decoded = try JSONDecoder.snakeCase.decode(PixelCNNConfiguration.self, from: configuration.encoded())
        XCTAssertEqual(decoded, configuration)
        let model = decoded.makeModel()
        XCTAssertEqual(model.distribution, .categorical(levels: 8))
        XCTAssertTrue(model.isGated && model.isConditional)
        XCTAssertEqual(model.gatedLayers.count, 2)
        // An unknown name is refused once, where config.json is read, naming the key and the names allowed.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let text = String(decoding: try configuration.encoded(), as: UTF8.self).replacingOccurrences(of: "\"categorical\"", with: "\"poisson\"")
        try Data(text.utf8).write(to: url)
        XCTAssertThrowsError(try PixelCNNConfiguration.read(from: url)) { error in
            XCTAssertEqual("\(error)", "The run configuration \(url.path) is not valid: its output is 'poisson', which must be one of bernoulli, categorical.")
        }
    }

    func testQuantizationAndLevels() {
        let intensities = Tensor(shape: [1, 1, 1, 5], scalars: [0, 0.2, 0.5, 0.74, 1])
        XCTAssertEqual(PixelDistribution.bernoulli.quantized(intensities).scalars, [0, 0, 1, 1, 1])
        let fourLevels = PixelDistribution.categorical(levels: 4)
        let quantized = fourLevels.quantized(intensities)
        XCTAssertEqual(fourLevels.levels(of: quantized), [0, 1, 2, 2, 3])
        XCTAssertEqual(quantized.scalars[3], 2 / 3, accuracy: 1e-7)
    }

    /// An 8-channel, 1-block PixelCNN on 16 real Fashion-MNIST test images binarized at 0.5:
    /// 10 Adam steps (lr 1e-2) on that batch must lower its NLL by more than 120 nats per image.
    ///
    /// Measured (seed 3, debug build, about 1.4 s): 568.0 → 391.8 nats per image. A wrong gradient
    /// sign or a stuck optimizer leaves it near its start, about 784·ln 2 ≈ 543 plus what the
    /// random initial logits add.
    func testLossFallsOnBinarizedFashionMNIST() throws {
        let intensities = try FashionMNISTImages.testImages(count: 16)
        let images = PixelDistribution.bernoulli.quantized(intensities.reshaped([16, 1, 28, 28]))
        var generator = RandomGenerator(seed: 3)
        let model = PixelCNN(channels: 8, residualBlocks: 1, using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-2)
        let before = withoutGradients { model.loss(images) }.scalar
        for _ in 0..<10 {
            optimizer.step(model.loss(images).backward())
        }
        let after = withoutGradients { model.loss(images) }.scalar
        XCTAssertGreaterThan(before - after, 120, "NLL went from \(before) to \(after) nats per image")
        XCTAssertGreaterThan(after, 0)
    }

    /// The same steps with bf16 GEMMs: the loss must fall as far.
    func testLossFallsOnBinarizedFashionMNISTInBFloat16() throws { try GEMMPrecision.with(.bfloat16) { try testLossFallsOnBinarizedFashionMNIST() } }
}
