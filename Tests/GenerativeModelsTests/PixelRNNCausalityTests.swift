import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// PixelRNN's autoregressive property and its context, through the gradient of the logits at one
/// pixel with respect to the input image: exactly zero at that pixel and every later one (the
/// masks and the shift mean those pixels are never read), and non-zero over the context each layer
/// promises. The whole network is checked, both layers, Bernoulli and categorical, at corners,
/// edges and the last column, where a skew that is off by one shows.
final class PixelRNNCausalityTests: XCTestCase {
    /// 9×10, so rows and columns cannot be swapped unnoticed; wide enough that the 7×7 input
    /// convolution does not reach across a row.
    static let height = 9, width = 10
    static let positions: [(row: Int, column: Int)] = [
        (0, 0), (0, 1), (0, 9), (1, 0), (1, 9), (2, 4), (4, 5), (6, 3), (8, 0), (8, 8), (8, 9),
    ]

    /// |∂(w · logits at (row, column)) / ∂image| summed over three random images: [H·W]. Three
    /// images, so a ReLU that is off for one of them cannot hide a dependence.
    static func inputGradient(of model: PixelRNN, row: Int, column: Int, seed: UInt64 = 5) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        let count = 3, pixels = height * width
        let images = Tensor.uniform([count, 1, height, width], using: &generator, requiresGradient: true)
        let logits = model.logits(images)
        let levels = logits.shape[1]
        var upstream = [Float](repeating: 0, count: logits.elementCount)
        for image in 0..<count {
            for level in 0..<levels { upstream[(image * levels + level) * pixels + row * width + column] = 0.5 + generator.nextUniform() }
        }
        let gradient = logits.backward(seed: Tensor(shape: logits.shape, scalars: upstream))[images]?.scalars
            ?? [Float](repeating: 0, count: count * pixels)
        return (0..<pixels).map { pixel in (0..<count).reduce(0) { $0 + Swift.abs(gradient[$1 * pixels + pixel]) } }
    }

    /// The earlier pixels (raster order) that the logits at (row, column) do not depend on, after
    /// asserting that they depend on no later pixel.
    func unseenEarlierPixels(_ model: PixelRNN, row: Int, column: Int, _ name: String,
                             file: StaticString = #filePath, line: UInt = #line) -> [(Int, Int)] {
        let width = Self.width
        let gradient = Self.inputGradient(of: model, row: row, column: column)
        let current = row * width + column
        for pixel in current..<gradient.count where gradient[pixel] != 0 {
            XCTFail("\(name): the logits at (\(row), \(column)) depend on pixel (\(pixel / width), \(pixel % width))",
                    file: file, line: line)
        }
        return (0..<current).filter { gradient[$0] == 0 }.map { ($0 / width, $0 % width) }
    }

    static func model(_ kind: PixelRNNLayerKind, distribution: PixelDistribution = .bernoulli, seed: UInt64) -> PixelRNN {
        var generator = RandomGenerator(seed: seed)
        return PixelRNN(kind: kind, layers: 2, units: 4, distribution: distribution, using: &generator)
    }

    /// The Row LSTM sees a triangle: the 7×7 input convolution's reach, widened by one column each
    /// way per row of recurrence. Its logits at (r, c) see (r − 1, c) and (r, c − 1) and never the
    /// far corner of a wide row above, and depend on no later pixel.
    func testRowLSTMIsCausalAndSeesTheTriangleAboveItsPixel() {
        for (distribution, seed) in [(PixelDistribution.bernoulli, UInt64(1)), (.categorical(levels: 4), 2)] {
            let model = Self.model(.row, distribution: distribution, seed: seed)
            for (row, column) in Self.positions {
                let unseen = Set(unseenEarlierPixels(model, row: row, column: column, "row LSTM, \(distribution)").map { $0.0 * 100 + $0.1 })
                if column > 0 { XCTAssertFalse(unseen.contains(row * 100 + column - 1), "(\(row), \(column)) misses its left neighbour") }
                if row > 0 { XCTAssertFalse(unseen.contains((row - 1) * 100 + column), "(\(row), \(column)) misses the pixel above") }
                // Every pixel of the rows above within the triangle |c′ − c| ≤ r − r′.
                for r in 0..<row {
                    for c in 0..<Self.width where Swift.abs(c - column) <= row - r {
                        XCTAssertFalse(unseen.contains(r * 100 + c), "row LSTM (\(row), \(column)) misses (\(r), \(c)) inside its triangle")
                    }
                }
            }
        }
        // At the bottom right the first row's far left lies outside the triangle: the Row LSTM's
        // known blind region.
        let model = Self.model(.row, seed: 3)
        let unseen = unseenEarlierPixels(model, row: 2, column: 9, "row LSTM")
        XCTAssertTrue(unseen.contains { $0 == (0, 0) }, "the Row LSTM at (2, 9) should not reach (0, 0)")
    }

    /// The Diagonal BiLSTM sees every earlier pixel, except the last pixel of the row above from
    /// columns left of the 7×7 input convolution's reach (the reference's README explains why).
    func testDiagonalBiLSTMIsCausalAndSeesEveryEarlierPixel() {
        for (distribution, seed) in [(PixelDistribution.bernoulli, UInt64(4)), (.categorical(levels: 3), 5)] {
            let model = Self.model(.diagonal, distribution: distribution, seed: seed)
            for (row, column) in Self.positions {
                let unseen = unseenEarlierPixels(model, row: row, column: column, "diagonal BiLSTM, \(distribution)")
                let allowed: [(Int, Int)] = row > 0 && column < Self.width - 1 - 3 ? [(row - 1, Self.width - 1)] : []
                XCTAssertTrue(unseen.allSatisfy { pixel in allowed.contains { $0 == pixel } },
                              "diagonal BiLSTM (\(row), \(column)) misses \(unseen)")
            }
        }
    }

    /// The first pixel has no past: its logits are the same for every image.
    func testFirstPixelSeesNothing() {
        for kind in PixelRNNLayerKind.allCases {
            XCTAssertTrue(Self.inputGradient(of: Self.model(kind, seed: 6), row: 0, column: 0).allSatisfy { $0 == 0 }, "\(kind)")
        }
    }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testRowLSTMIsCausalAndSeesTheTriangleAboveItsPixelInBFloat16() { GEMMPrecision.with(.bfloat16) { testRowLSTMIsCausalAndSeesTheTriangleAboveItsPixel() } }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testDiagonalBiLSTMIsCausalAndSeesEveryEarlierPixelInBFloat16() { GEMMPrecision.with(.bfloat16) { testDiagonalBiLSTMIsCausalAndSeesEveryEarlierPixel() } }
}
