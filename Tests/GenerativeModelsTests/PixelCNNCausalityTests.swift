import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The autoregressive property of the whole network: the logits at pixel t are a function of the
/// pixels before t in raster order only. Checked through the gradient of the logits at t with
/// respect to the input image, which must be exactly zero at t and at every later pixel (the
/// masks mean those pixels are never read, so no rounding can blur a zero), and non-zero where
/// the receptive field reaches.
final class PixelCNNCausalityTests: XCTestCase {
    /// 9×10, so rows and columns cannot be swapped unnoticed.
    static let height = 9, width = 10

    /// Corners, edges, the first pixels of the first two rows, and an inner pixel.
    static let positions: [(row: Int, column: Int)] = [
        (0, 0), (0, 1), (0, 9), (1, 0), (1, 9), (4, 5), (6, 3), (8, 0), (8, 8), (8, 9),
    ]

    /// Three random images: a ReLU can be off at one pixel for one image and hide a dependence,
    /// not for all three.
    static let imageCount = 3

    /// ∂(w · logits at pixel (row, column)) / ∂image for each of three random images, with random
    /// weights w over the logits of that pixel: [3][H·W].
    static func inputGradients(of model: PixelCNN, row: Int, column: Int, labels: [Int]? = nil, seed: UInt64 = 5) -> [[Float]] {
        var generator = RandomGenerator(seed: seed)
        let images = Tensor.uniform([imageCount, 1, height, width], using: &generator, requiresGradient: true)
        let logits = model.logits(images, labels: labels.map { Array(repeating: $0[0], count: imageCount) })
        let levels = logits.shape[1], pixels = height * width
        var upstream = [Float](repeating: 0, count: logits.elementCount)
        for image in 0..<imageCount {
            for level in 0..<levels { upstream[(image * levels + level) * pixels + row * width + column] = 0.5 + generator.nextUniform() }
        }
        let gradient = logits.backward(seed: Tensor(shape: logits.shape, scalars: upstream))[images]?.scalars
            ?? [Float](repeating: 0, count: imageCount * pixels)
        return (0..<imageCount).map { Array(gradient[($0 * pixels)..<(($0 + 1) * pixels)]) }
    }

    /// Asserts the gradient is exactly zero from pixel (row, column) on, for every image, and
    /// non-zero at the pixel to the left and the one above (where they exist) for some image.
    func assertCausal(_ model: PixelCNN, row: Int, column: Int, labels: [Int]? = nil, _ name: String,
                      file: StaticString = #filePath, line: UInt = #line) {
        let width = Self.width
        let gradients = Self.inputGradients(of: model, row: row, column: column, labels: labels)
        let current = row * width + column
        for gradient in gradients {
            for pixel in current..<gradient.count where gradient[pixel] != 0 {
                XCTFail("\(name): the logits at (\(row), \(column)) depend on pixel (\(pixel / width), \(pixel % width))",
                        file: file, line: line)
            }
        }
        if column > 0 {
            XCTAssertTrue(gradients.contains { $0[current - 1] != 0 }, "\(name): (\(row), \(column)) does not see its left neighbour",
                          file: file, line: line)
        }
        if row > 0 {
            XCTAssertTrue(gradients.contains { $0[current - width] != 0 }, "\(name): (\(row), \(column)) does not see the pixel above",
                          file: file, line: line)
        }
    }

    func testPlainPixelCNNIsCausal() {
        var generator = RandomGenerator(seed: 1)
        let model = PixelCNN(channels: 8, residualBlocks: 3, using: &generator)
        for (row, column) in Self.positions { assertCausal(model, row: row, column: column, "plain") }
        // Pixel (0, 0) has no past: its logits are the same for every image.
        XCTAssertTrue(Self.inputGradients(of: model, row: 0, column: 0).allSatisfy { $0.allSatisfy { $0 == 0 } })
    }

    func testGatedPixelCNNIsCausal() {
        var generator = RandomGenerator(seed: 2)
        let model = PixelCNN(channels: 6, residualBlocks: 3, gated: true, using: &generator)
        for (row, column) in Self.positions { assertCausal(model, row: row, column: column, "gated") }
    }

    func testCategoricalAndClassConditionalModelsAreCausal() {
        var generator = RandomGenerator(seed: 3)
        let categorical = PixelCNN(channels: 6, residualBlocks: 2, hiddenKernelSize: 5, distribution: .categorical(levels: 4),
                                   using: &generator)
        let conditional = PixelCNN(channels: 6, residualBlocks: 2, classes: 3, using: &generator)
        let gatedConditional = PixelCNN(channels: 4, residualBlocks: 2, firstKernelSize: 5, distribution: .categorical(levels: 3),
                                        classes: 3, gated: true, using: &generator)
        for (row, column) in Self.positions {
            assertCausal(categorical, row: row, column: column, "categorical")
            assertCausal(conditional, row: row, column: column, labels: [2], "class-conditional")
            assertCausal(gatedConditional, row: row, column: column, labels: [1], "gated, categorical, class-conditional")
        }
    }

    /// The plain model's stacked masks never see a wedge above and to the right of the pixel (the
    /// blind spot); the gated model sees every earlier pixel its kernels reach. With a 7×7 first
    /// layer and three 3×3 layers after it, the gated output at (r, c) reaches rows r − 3 … r − 1
    /// at columns c − 6 … c + 6, and row r from c − 6 on.
    func testGatedPixelCNNHasNoBlindSpot() {
        var generator = RandomGenerator(seed: 4)
        let plain = PixelCNN(channels: 8, residualBlocks: 3, using: &generator)
        let gated = PixelCNN(channels: 6, residualBlocks: 3, gated: true, using: &generator)
        let (row, column) = (6, 3), width = Self.width
        let blindSpot = (row - 1) * width + column + 5
        XCTAssertTrue(Self.inputGradients(of: plain, row: row, column: column).allSatisfy { $0[blindSpot] == 0 },
                      "the plain model's blind spot")
        let gradients = Self.inputGradients(of: gated, row: row, column: column)
        for r in (row - 3)...row {
            for c in Swift.max(0, column - 6)...Swift.min(width - 1, column + 6) where r < row || c < column {
                XCTAssertTrue(gradients.contains { $0[r * width + c] != 0 },
                              "the gated model does not see (\(r), \(c)) from (\(row), \(column))")
            }
        }
    }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testPlainPixelCNNIsCausalInBFloat16() { GEMMPrecision.with(.bfloat16) { testPlainPixelCNNIsCausal() } }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testGatedPixelCNNIsCausalInBFloat16() { GEMMPrecision.with(.bfloat16) { testGatedPixelCNNIsCausal() } }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testCategoricalAndClassConditionalModelsAreCausalInBFloat16() { GEMMPrecision.with(.bfloat16) { testCategoricalAndClassConditionalModelsAreCausal() } }
}
