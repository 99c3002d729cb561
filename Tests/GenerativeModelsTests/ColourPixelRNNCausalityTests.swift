import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The colour PixelRNN's autoregressive property over sub-pixels, both layers, through the gradient
/// of the logits of colour c at one pixel with respect to the input image: exactly zero at every
/// later pixel and at channels c and later of the pixel itself (R sees none of its pixel, G its R,
/// B its R and G), non-zero at the channels before c of the pixel, and non-zero at every channel of
/// the earlier pixels each layer's context promises. Positions include the corners, the edges and
/// the last column, where a skew that is off by one shows.
final class ColourPixelRNNCausalityTests: XCTestCase {
    /// 9×10, as the grey tests: rows and columns cannot be swapped unnoticed, and the 7×7 input
    /// convolution does not reach across a row.
    static let height = 9, width = 10
    static let positions: [(row: Int, column: Int)] = [
        (0, 0), (0, 1), (0, 9), (1, 0), (1, 9), (2, 4), (4, 5), (6, 3), (8, 0), (8, 8), (8, 9),
    ]

    static func model(_ kind: PixelRNNLayerKind, levels: Int = 4, seed: UInt64) -> PixelRNN {
        var generator = RandomGenerator(seed: seed)
        return PixelRNN(kind: kind, layers: 2, units: 6, distribution: .categorical(levels: levels), imageChannels: 3,
                        using: &generator)
    }

    /// |∂(w · logits of colour `colour` at (row, column)) / ∂image| summed over four random images,
    /// with random positive weights w over those logits: [3·H·W], C×H×W. Several images, because a
    /// ReLU that is off at a pixel for one image can hide a dependence.
    static func inputGradient(of model: PixelRNN, row: Int, column: Int, colour: Int, seed: UInt64 = 5) -> [Float] {
        var generator = RandomGenerator(seed: seed)
        let count = 4, pixels = height * width, values = 3 * pixels
        let images = Tensor.uniform([count, 3, height, width], using: &generator, requiresGradient: true)
        let logits = model.logits(images)
        let levels = model.distribution.logitsPerPixel
        XCTAssertEqual(logits.shape, [count, 3 * levels, height, width])
        var upstream = [Float](repeating: 0, count: logits.elementCount)
        for image in 0..<count {
            for level in (colour * levels)..<((colour + 1) * levels) {
                upstream[(image * 3 * levels + level) * pixels + row * width + column] = 0.5 + generator.nextUniform()
            }
        }
        let gradient = logits.backward(seed: Tensor(shape: logits.shape, scalars: upstream))[images]?.scalars
            ?? [Float](repeating: 0, count: count * values)
        return (0..<values).map { value in (0..<count).reduce(0) { $0 + Swift.abs(gradient[$1 * values + value]) } }
    }

    /// Asserts that colour `colour` at (row, column) depends on no later pixel and on no channel
    /// from `colour` on of its own pixel, and does depend on the channels before `colour` there;
    /// returns the earlier pixels (raster order) of which it misses some channel.
    func unseenEarlierPixels(_ model: PixelRNN, row: Int, column: Int, colour: Int, _ name: String,
                             file: StaticString = #filePath, line: UInt = #line) -> [(Int, Int)] {
        let (height, width) = (Self.height, Self.width), pixels = height * width, current = row * width + column
        let gradient = Self.inputGradient(of: model, row: row, column: column, colour: colour)
        for channel in 0..<3 {
            for pixel in current..<pixels where gradient[channel * pixels + pixel] != 0 && !(pixel == current && channel < colour) {
                XCTFail("\(name): colour \(colour) at (\(row), \(column)) depends on channel \(channel) of pixel "
                        + "(\(pixel / width), \(pixel % width))", file: file, line: line)
            }
        }
        for channel in 0..<colour where gradient[channel * pixels + current] == 0 {
            XCTFail("\(name): colour \(colour) at (\(row), \(column)) does not see channel \(channel) of its own pixel",
                    file: file, line: line)
        }
        return (0..<current).filter { pixel in (0..<3).contains { gradient[$0 * pixels + pixel] == 0 } }.map { ($0 / width, $0 % width) }
    }

    /// The Row LSTM: causal over sub-pixels, and every channel of every pixel in the triangle
    /// above, and of the pixel to the left, in context.
    func testRowLSTMIsCausalOverSubPixelsAndSeesTheTriangleAbove() {
        let model = Self.model(.row, seed: 1)
        for (row, column) in Self.positions {
            for colour in 0..<3 {
                let unseen = Set(unseenEarlierPixels(model, row: row, column: column, colour: colour, "row LSTM").map { $0.0 * 100 + $0.1 })
                if column > 0 { XCTAssertFalse(unseen.contains(row * 100 + column - 1), "(\(row), \(column)) colour \(colour) misses its left") }
                for r in 0..<row {
                    for c in 0..<Self.width where Swift.abs(c - column) <= row - r {
                        XCTAssertFalse(unseen.contains(r * 100 + c), "row LSTM (\(row), \(column)) colour \(colour) misses (\(r), \(c))")
                    }
                }
            }
        }
    }

    /// The Diagonal BiLSTM: causal over sub-pixels, and every channel of every earlier pixel in
    /// context, except the last pixel of the row above from columns left of the 7×7 input
    /// convolution's reach, as for grey images.
    func testDiagonalBiLSTMIsCausalOverSubPixelsAndSeesEveryEarlierPixel() {
        let model = Self.model(.diagonal, seed: 2)
        for (row, column) in Self.positions {
            for colour in 0..<3 {
                let unseen = unseenEarlierPixels(model, row: row, column: column, colour: colour, "diagonal BiLSTM")
                let allowed: [(Int, Int)] = row > 0 && column < Self.width - 1 - 3 ? [(row - 1, Self.width - 1)] : []
                XCTAssertTrue(unseen.allSatisfy { pixel in allowed.contains { $0 == pixel } },
                              "diagonal BiLSTM (\(row), \(column)) colour \(colour) misses a channel of \(unseen)")
            }
        }
    }

    /// The R logits of the first pixel have no past at all: the same for every image.
    func testFirstRedSubPixelSeesNothing() {
        for kind in PixelRNNLayerKind.allCases {
            let gradient = Self.inputGradient(of: Self.model(kind, seed: 6), row: 0, column: 0, colour: 0)
            XCTAssertTrue(gradient.allSatisfy { $0 == 0 }, "\(kind)")
        }
    }

    /// The masks as weights: the input-to-state maps group the gates o, f, i, g by state channel
    /// (gate k·U + j reads, at the pixel itself, input groups up to j's group), and every 1×1 map
    /// has mask B over its groups. The state-to-state weights are unmasked.
    func testInputToStateMapsGroupTheGatesByStateChannel() {
        let units = 6, inputs = 12
        for kind in PixelRNNLayerKind.allCases {
            let model = Self.model(kind, seed: 7)
            let masked = kind == .row ? (model.layers[0].rnn as? RowLSTM)?.i2s
                : (model.layers[0].rnn as? DiagonalBiLSTM)?.r2l.i2s as? MaskedConv2d
            guard let inputToState = masked else { XCTFail("\(kind): the input-to-state map is not masked"); continue }
            let taps = inputToState.mask.height * inputToState.mask.width, centre = inputToState.mask.centreTap
            XCTAssertEqual(inputToState.weight.shape, [4 * units, inputs, 1, kind == .row ? 3 : 1])
            let weight = inputToState.weight.scalars
            for gate in 0..<4 {
                for j in 0..<units {
                    let output = gate * units + j
                    let seen = (0..<inputs).filter { weight[(output * inputs + $0) * taps + centre] != 0 }
                    // State channel j is in group j / 2; input channel c in group c / 4.
                    XCTAssertEqual(seen, Array(0..<(4 * (j / 2 + 1))), "\(kind): gate \(gate) of unit \(j) reads \(seen) at the centre")
                    if kind == .row {
                        XCTAssertTrue((0..<inputs).allSatisfy { weight[(output * inputs + $0) * taps] != 0 }, "\(kind): left tap masked")
                    }
                }
            }
            XCTAssertEqual((model.layers[1].up as? MaskedConv2d)?.mask, .causal(.b, height: 1, width: 1, channelGroups: 3))
            XCTAssertEqual((model.out1 as? MaskedConv2d)?.mask, .causal(.b, height: 1, width: 1, channelGroups: 3))
            XCTAssertEqual((model.out2 as? MaskedConv2d)?.weight.shape, [12, 12, 1, 1])
            XCTAssertEqual(model.inp.mask, .causal(.a, height: 7, width: 7, channelGroups: 3))
            let s2s = kind == .row ? (model.layers[0].rnn as! RowLSTM).s2s : (model.layers[0].rnn as! DiagonalBiLSTM).l2r.s2s
            XCTAssertTrue(s2s.scalars.allSatisfy { $0 != 0 }, "\(kind): the state-to-state weights are not masked")
        }
    }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testRowLSTMIsCausalOverSubPixelsAndSeesTheTriangleAboveInBFloat16() { GEMMPrecision.with(.bfloat16) { testRowLSTMIsCausalOverSubPixelsAndSeesTheTriangleAbove() } }

    /// Under bf16 GEMMs: rounding the operands opens no path to a later pixel and closes none to an earlier one.
    func testDiagonalBiLSTMIsCausalOverSubPixelsAndSeesEveryEarlierPixelInBFloat16() { GEMMPrecision.with(.bfloat16) { testDiagonalBiLSTMIsCausalOverSubPixelsAndSeesEveryEarlierPixel() } }
}
