import TestSupport
import XCTest
@testable import TensorCore

/// maskedConv2d against conv2d over the weight multiplied by the mask (what PyTorch's PixelCNN
/// code computes), values and gradients. Its VJP is also checked by central differences in
/// ``GradientCheckTests/convolutions``.
final class MaskedConvolutionTests: XCTestCase {
    /// One masked convolution: input [n, c, h, w], `outputs` channels, the mask fixing the kernel size.
    struct Configuration: CustomStringConvertible {
        var n: Int, c: Int, h: Int, w: Int, outputs: Int
        var mask: KernelMask
        var bias: Bool
        var description: String { "[\(n), \(c), \(h), \(w)] → \(outputs), mask \(mask.height)×\(mask.width) \(mask), bias \(bias)" }
    }

    static let configurations: [Configuration] = [
        Configuration(n: 2, c: 1, h: 9, w: 8, outputs: 4, mask: .causal(.a, size: 7), bias: true),
        Configuration(n: 3, c: 4, h: 6, w: 7, outputs: 5, mask: .causal(.b, size: 3), bias: true),
        Configuration(n: 2, c: 3, h: 5, w: 5, outputs: 2, mask: .causal(.a, size: 3), bias: false),
        Configuration(n: 2, c: 2, h: 4, w: 6, outputs: 3, mask: .causal(.b, size: 5), bias: true),
        // Kernels larger than the image: most taps read padding.
        Configuration(n: 1, c: 2, h: 3, w: 2, outputs: 2, mask: .causal(.a, size: 7), bias: true),
        // The Gated PixelCNN's stacks: rows above (with and without the centre row), and 1×k rows.
        Configuration(n: 2, c: 2, h: 6, w: 5, outputs: 3, mask: .rowsAbove(height: 3, width: 3, includingCentreRow: true), bias: true),
        Configuration(n: 2, c: 1, h: 6, w: 5, outputs: 3, mask: .rowsAbove(height: 5, width: 5, includingCentreRow: false), bias: false),
        Configuration(n: 2, c: 3, h: 4, w: 6, outputs: 2, mask: .causal(.a, height: 1, width: 3), bias: true),
        Configuration(n: 2, c: 3, h: 4, w: 6, outputs: 2, mask: .causal(.b, height: 1, width: 5), bias: true),
        // Non-square kernel, an arbitrary tap set, a 1×1 kernel (mask B keeps it, mask A kills it).
        Configuration(n: 2, c: 2, h: 5, w: 6, outputs: 2, mask: .causal(.b, height: 3, width: 5), bias: false),
        Configuration(n: 2, c: 2, h: 5, w: 6, outputs: 3, mask: KernelMask(height: 3, width: 3, liveTaps: [8, 0, 4]), bias: true),
        Configuration(n: 2, c: 3, h: 4, w: 4, outputs: 2, mask: .causal(.b, size: 1), bias: true),
        Configuration(n: 2, c: 3, h: 4, w: 4, outputs: 2, mask: .causal(.a, size: 1), bias: true),
        // 1×1 without a bias, rows not a multiple of 8 wide: the borderless planes read and written in place.
        Configuration(n: 3, c: 3, h: 3, w: 9, outputs: 6, mask: .causal(.b, size: 1), bias: false),
    ]

    // MARK: Masks

    func testCausalMasksKeepTheTapsAboveAndLeftOfTheCentre() {
        XCTAssertEqual(KernelMask.causal(.a, size: 7).liveTaps.count, 24)
        XCTAssertEqual(KernelMask.causal(.b, size: 7).liveTaps.count, 25)
        XCTAssertEqual(KernelMask.causal(.b, size: 3).liveTaps, [0, 1, 2, 3, 4])
        XCTAssertEqual(KernelMask.causal(.a, size: 3).liveTaps, [0, 1, 2, 3])
        XCTAssertEqual(KernelMask.causal(.a, size: 3).description, "■■■ / ■□□ / □□□")
        XCTAssertEqual(KernelMask.causal(.b, size: 3).description, "■■■ / ■■□ / □□□")
        XCTAssertEqual(KernelMask.causal(.a, size: 1).liveTaps, [])
        XCTAssertEqual(KernelMask.causal(.b, height: 1, width: 5).description, "■■■□□")
        XCTAssertEqual(KernelMask.rowsAbove(height: 3, width: 3, includingCentreRow: false).description,
                       "■■■ / □□□ / □□□")
        XCTAssertEqual(KernelMask.rowsAbove(height: 3, width: 3, includingCentreRow: true).description,
                       "■■■ / ■■■ / □□□")
        XCTAssertEqual(KernelMask.causal(.a, size: 3).tensor().scalars, [1, 1, 1, 1, 0, 0, 0, 0, 0])
        XCTAssertTrue(KernelMask.causal(.b, size: 3).contains(row: 1, column: 1))
        XCTAssertFalse(KernelMask.causal(.a, size: 3).contains(row: 1, column: 1))
        XCTAssertFalse(KernelMask.causal(.b, size: 3).contains(row: 1, column: 3))
    }

    // MARK: Against conv2d over the masked weight

    /// Values and all three gradients equal those of conv2d over weight ⊙ mask; the weight
    /// gradient is zero at every dead tap.
    func testMatchesConv2dOverTheMaskedWeight() {
        var generator = RandomGenerator(seed: 21)
        for k in Self.configurations {
            let (masked, reference) = Self.run(k, using: &generator)
            for (index, (a, b)) in zip(masked, reference).enumerated() { assertClose(a, b, tolerance: 1e-5, "\(k), result \(index)") }
            let weightGradient = masked[2], mask = k.mask.tensor().scalars
            for (index, value) in weightGradient.enumerated() where mask[index % mask.count] == 0 {
                XCTAssertEqual(value, 0, "\(k): dead tap \(index % mask.count) of the weight gradient")
            }
        }
    }

    /// The same, with every layer that fits computed by one GEMM per live tap over padded planes
    /// (``ShiftedTapConvolution``), however few its input channels; on one thread and on two.
    func testShiftedTapsMatchConv2dOverTheMaskedWeight() {
        defer { ComputeThreads.set(1) }
        var checked = 0
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var generator = RandomGenerator(seed: 25)
            for k in Self.configurations {
                let geometry = ConvolutionGeometry(maskedConvolving: [k.n, k.c, k.h, k.w], with: [k.outputs, k.c, k.mask.height, k.mask.width],
                                                   mask: k.mask, op: "test")
                guard ShiftedTapConvolution.fits(geometry) else { continue }
                let (masked, reference) = ShiftedTapConvolution.$minimumInputChannels.withValue(1) { Self.run(k, using: &generator) }
                for (index, (a, b)) in zip(masked, reference).enumerated() { assertClose(a, b, tolerance: 1e-5, "\(k), \(threads) threads, result \(index)") }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 2 * (Self.configurations.count - 1), "every configuration but the empty 1×1 mask A fits")
    }

    /// The reference PixelCNN's mask-B layer (64 input channels) takes the shifted-tap path by
    /// default, and the 7×7 mask-A layer (1 input channel) im2col.
    func testReferenceLayersTakeTheirPaths() {
        let maskB = ConvolutionGeometry(maskedConvolving: [128, 64, 28, 28], with: [64, 64, 3, 3], mask: .causal(.b, size: 3), op: "test")
        let maskA = ConvolutionGeometry(maskedConvolving: [128, 1, 28, 28], with: [64, 1, 7, 7], mask: .causal(.a, size: 7), op: "test")
        XCTAssertTrue(ShiftedTapConvolution.applies(to: maskB))
        XCTAssertFalse(ShiftedTapConvolution.applies(to: maskA))
        XCTAssertTrue(ShiftedTapConvolution.fits(maskA))
    }

    /// [y, dx, dW, db] for the masked op and for conv2d over weight ⊙ mask, with a random upstream
    /// gradient. The weight is random at the dead taps too, so reading one would show.
    static func run(_ k: Configuration, using generator: inout RandomGenerator) -> (masked: [[Float]], reference: [[Float]]) {
        let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator, requiresGradient: true)
        let weight = Tensor.uniform([k.outputs, k.c, k.mask.height, k.mask.width], low: -1, high: 1, using: &generator,
                                    requiresGradient: true)
        let bias = k.bias ? Tensor.uniform([k.outputs], low: -1, high: 1, using: &generator, requiresGradient: true) : nil
        let upstream = Tensor.uniform([k.n, k.outputs, k.h, k.w], low: -1, high: 1, using: &generator)
        func results(_ y: Tensor) -> [[Float]] {
            let gradients = (y * upstream).sum().backward()
            return [y.scalars] + [x, weight].map { gradients[$0]?.scalars ?? [] } + [bias.map { gradients[$0]?.scalars ?? [] } ?? []]
        }
        let masked = results(x.maskedConv2d(weight: weight, bias: bias, mask: k.mask))
        let reference = results(x.conv2d(weight: weight * k.mask.tensor(), bias: bias, stride: (1, 1),
                                         padding: (k.mask.height / 2, k.mask.width / 2)))
        return (masked, reference)
    }

    /// The reference PixelCNN's layers: 7×7 mask A 1→64 and 3×3 mask B 64→64 on 28×28 images.
    func testReferencePixelCNNLayers() {
        var generator = RandomGenerator(seed: 22)
        for k in [Configuration(n: 2, c: 1, h: 28, w: 28, outputs: 64, mask: .causal(.a, size: 7), bias: true),
                  Configuration(n: 2, c: 64, h: 28, w: 28, outputs: 64, mask: .causal(.b, size: 3), bias: true)] {
            let (masked, reference) = Self.run(k, using: &generator)
            XCTAssertEqual(masked[0].count, 2 * 64 * 28 * 28)
            for (index, (a, b)) in zip(masked, reference).enumerated() { assertClose(a, b, tolerance: 1e-4, "\(k), result \(index)") }
        }
    }

    // MARK: Rounds and threads

    /// Several im2col + GEMM rounds, and rounds spread over threads, give one round's results.
    func testRoundsAndThreadsGiveTheSameResults() {
        defer { ComputeThreads.set(1) }
        let k = Configuration(n: 5, c: 3, h: 6, w: 6, outputs: 4, mask: .causal(.b, size: 3), bias: true)
        func run() -> [[Float]] {
            var generator = RandomGenerator(seed: 23)
            return Self.run(k, using: &generator).masked
        }
        ComputeThreads.set(1)
        let oneRound = run()
        // 3 channels × 5 live taps × 36 pixels = 540 floats of im2col per image.
        for budget in [540, 540 * 2, 1] {
            let rounds = ConvolutionGeometry.$columnBudget.withValue(budget) { run() }
            for (index, (a, b)) in zip(rounds, oneRound).enumerated() { assertClose(a, b, tolerance: 1e-5, "budget \(budget), result \(index)") }
        }
        for threads in [2, 3] {
            ComputeThreads.set(threads)
            for width in [1, 512] {
                let spread = ConvolutionGeometry.$preferredGEMMWidth.withValue(width) { run() }
                for (index, (a, b)) in zip(spread, oneRound).enumerated() {
                    assertClose(a, b, tolerance: 1e-5, "\(threads) threads, GEMM width \(width), result \(index)")
                }
            }
        }
    }

    /// Without recording, and with a weight that needs no gradient, the op computes values only.
    func testWithoutGradients() {
        var generator = RandomGenerator(seed: 24)
        let x = Tensor.uniform([2, 2, 5, 5], low: -1, high: 1, using: &generator)
        let weight = Tensor.uniform([3, 2, 3, 3], low: -1, high: 1, using: &generator, requiresGradient: true)
        let recorded = x.maskedConv2d(weight: weight, mask: .causal(.a, size: 3))
        let plain = withoutGradients { x.maskedConv2d(weight: weight, mask: .causal(.a, size: 3)) }
        XCTAssertEqual(recorded.scalars, plain.scalars)
        XCTAssertTrue(recorded.isDifferentiable)
        XCTAssertFalse(plain.isDifferentiable)
    }
}
