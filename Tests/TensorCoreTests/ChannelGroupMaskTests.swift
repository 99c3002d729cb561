import TestSupport
import XCTest
@testable import TensorCore

/// The colour PixelCNN's masks: live taps above and left of the centre for every channel pair,
/// and the centre for the R → G → B channel-group pairs only. maskedConv2d (both its im2col and
/// its shifted-tap paths) and the fused residual block against conv2d over weight ⊙ the full
/// [O, C, kH, kW] mask, values and gradients.
final class ChannelGroupMaskTests: XCTestCase {
    func testGroupsAndTheFullMask() {
        let groupsA = ChannelGroupMask(groups: 3, includesOwnGroup: false), groupsB = ChannelGroupMask(groups: 3, includesOwnGroup: true)
        XCTAssertEqual((0..<6).map { groupsA.group(of: $0, among: 6) }, [0, 0, 1, 1, 2, 2])
        XCTAssertEqual((0..<768).filter { groupsB.group(of: $0, among: 768) == 1 }, Array(256..<512))
        // Mask A over 3 → 3 channels at the centre: strictly lower triangular; mask B: lower triangular.
        let centreA = (0..<3).map { o in (0..<3).map { i in groupsA.connects(output: o, of: 3, input: i, of: 3) } }
        XCTAssertEqual(centreA, [[false, false, false], [true, false, false], [true, true, false]])
        let centreB = (0..<3).map { o in (0..<3).map { i in groupsB.connects(output: o, of: 3, input: i, of: 3) } }
        XCTAssertEqual(centreB, [[true, false, false], [true, true, false], [true, true, true]])

        let mask = KernelMask.causal(.a, height: 3, width: 3, channelGroups: 3)
        XCTAssertEqual(mask.liveTaps, [0, 1, 2, 3, 4])
        XCTAssertEqual(mask.description, "■■■ / ■■□ / □□□ (3 channel groups at the centre, mask A)")
        let full = mask.tensor(outputs: 3, inputs: 3).scalars
        // Output G (1) from input R (0): the centre is live; from input G (1): dead.
        XCTAssertEqual(Array(full[(1 * 3 + 0) * 9..<((1 * 3 + 0) * 9 + 9)]), [1, 1, 1, 1, 1, 0, 0, 0, 0])
        XCTAssertEqual(Array(full[(1 * 3 + 1) * 9..<((1 * 3 + 1) * 9 + 9)]), [1, 1, 1, 1, 0, 0, 0, 0, 0])
        XCTAssertTrue(mask.joins(tap: 4, output: 2, of: 3, input: 1, of: 3))
        XCTAssertFalse(mask.joins(tap: 4, output: 0, of: 3, input: 0, of: 3))
        XCTAssertFalse(mask.joins(tap: 5, output: 2, of: 3, input: 0, of: 3))
        XCTAssertEqual(KernelMask.causal(.b, height: 1, width: 1, channelGroups: 3).liveTaps, [0])
    }

    /// An LSTM's input-to-state mask (the colour PixelRNN's): 4U outputs, the gates o, f, i, g of U
    /// state channels, each block grouped on its own, so gate k of state channel j is in j's group.
    func testOutputBlocksGroupEveryGateByItsStateChannel() {
        let gates = ChannelGroupMask(groups: 3, includesOwnGroup: true, outputBlocks: 4)
        // U = 3 state channels (one per group), 6 inputs (two per group): output k·3 + j reads the
        // inputs of groups up to j.
        for gate in 0..<4 {
            for j in 0..<3 {
                let read = (0..<6).filter { gates.connects(output: gate * 3 + j, of: 12, input: $0, of: 6) }
                XCTAssertEqual(read, Array(0..<(2 * (j + 1))), "gate \(gate) of state channel \(j)")
            }
        }
        XCTAssertEqual(ChannelGroupMask(groups: 3, includesOwnGroup: true, outputBlocks: 1), ChannelGroupMask(groups: 3, includesOwnGroup: true))
        let mask = KernelMask.causal(.b, height: 1, width: 3, channelGroups: 3, outputBlocks: 4)
        XCTAssertEqual(mask.liveTaps, [0, 1])
        XCTAssertEqual(mask.description, "■■□ (3 channel groups at the centre in 4 output blocks, mask B)")
    }

    struct Layer: CustomStringConvertible {
        var n: Int, c: Int, h: Int, w: Int, outputs: Int
        var mask: KernelMask
        var description: String { "[\(n), \(c), \(h), \(w)] → \(outputs), \(mask)" }
    }

    static let layers = [
        Layer(n: 2, c: 3, h: 6, w: 5, outputs: 6, mask: .causal(.a, height: 7, width: 7, channelGroups: 3)),
        Layer(n: 2, c: 6, h: 5, w: 6, outputs: 6, mask: .causal(.b, height: 3, width: 3, channelGroups: 3)),
        Layer(n: 2, c: 7, h: 4, w: 5, outputs: 5, mask: .causal(.a, height: 3, width: 3, channelGroups: 3)),
        Layer(n: 2, c: 6, h: 4, w: 4, outputs: 12, mask: .causal(.b, height: 1, width: 1, channelGroups: 3)),
    ]

    /// [y, dx, dW, db] of `compute` and of conv2d over weight ⊙ mask, with a random upstream
    /// gradient; the weight is random at the dead entries too, so reading one would show.
    static func run(_ k: Layer, residual: Bool = false, using generator: inout RandomGenerator) -> (masked: [[Float]], reference: [[Float]]) {
        let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator, requiresGradient: true)
        let weight = Tensor.uniform([k.outputs, k.c, k.mask.height, k.mask.width], low: -1, high: 1, using: &generator, requiresGradient: true)
        let bias = Tensor.uniform([k.outputs], low: -1, high: 1, using: &generator, requiresGradient: true)
        let upstream = Tensor.uniform([k.n, k.outputs, k.h, k.w], low: -1, high: 1, using: &generator)
        func results(_ y: Tensor) -> [[Float]] {
            let gradients = (y * upstream).sum().backward()
            return [y.scalars] + [x, weight, bias].map { gradients[$0]?.scalars ?? [] }
        }
        let fullMask = k.mask.tensor(outputs: k.outputs, inputs: k.c)
        let reference = { (input: Tensor) in
            input.conv2d(weight: weight * fullMask, bias: bias, stride: (1, 1), padding: (k.mask.height / 2, k.mask.width / 2))
        }
        if residual {
            return (results(x.residualMaskedConv2d(weight: weight, bias: bias, mask: k.mask)), results(x + reference(x.relu())))
        }
        return (results(x.maskedConv2d(weight: weight, bias: bias, mask: k.mask)), results(reference(x)))
    }

    func testMaskedConvolutionMatchesConv2dOverTheFullMaskOnBothPaths() {
        var generator = RandomGenerator(seed: 31)
        for minimumChannels in [1, 1000] {   // every layer by shifted taps, then by im2col
            for k in Self.layers {
                let (masked, reference) = ShiftedTapConvolution.$minimumInputChannels.withValue(minimumChannels) {
                    Self.run(k, using: &generator)
                }
                for (index, (a, b)) in zip(masked, reference).enumerated() {
                    assertClose(a, b, tolerance: 1e-5, "\(k), minimum channels \(minimumChannels), result \(index)")
                }
                let full = k.mask.tensor(outputs: k.outputs, inputs: k.c).scalars
                for (index, value) in masked[2].enumerated() where full[index] == 0 {
                    XCTAssertEqual(value, 0, "\(k): dead entry \(index) of the weight gradient")
                }
            }
        }
    }

    func testResidualBlockMatches() {
        var generator = RandomGenerator(seed: 32)
        for minimumChannels in [1, 1000] {
            let k = Self.layers[1]
            let (masked, reference) = ShiftedTapConvolution.$minimumInputChannels.withValue(minimumChannels) {
                Self.run(k, residual: true, using: &generator)
            }
            for (index, (a, b)) in zip(masked, reference).enumerated() { assertClose(a, b, tolerance: 1e-5, "residual \(k), result \(index)") }
        }
    }
}
