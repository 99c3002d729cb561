import TestSupport
import XCTest
@testable import TensorCore

/// residualMaskedConv2d (one fused op on the shifted-tap path) against x + relu(x).maskedConv2d
/// computed by separate ops over im2col: values and every gradient. Its VJP is also checked by
/// central differences in ``GradientCheckTests/convolutions``.
final class ResidualMaskedConvolutionTests: XCTestCase {
    override func tearDown() { ComputeThreads.set(1) }

    /// [y, dx, dW, db] of `op` with a random upstream gradient; x is random in [−1, 1], so about
    /// half of the ReLU's inputs are negative.
    static func run(n: Int, c: Int, h: Int, w: Int, mask: KernelMask, bias: Bool, seed: UInt64,
                    _ op: (Tensor, Tensor, Tensor?) -> Tensor) -> [[Float]] {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor.uniform([n, c, h, w], low: -1, high: 1, using: &generator, requiresGradient: true)
        let weight = Tensor.uniform([c, c, mask.height, mask.width], low: -1, high: 1, using: &generator, requiresGradient: true)
        let b = bias ? Tensor.uniform([c], low: -1, high: 1, using: &generator, requiresGradient: true) : nil
        let upstream = Tensor.uniform([n, c, h, w], low: -1, high: 1, using: &generator)
        let y = op(x, weight, b)
        let gradients = (y * upstream).sum().backward()
        return [y.scalars] + [x, weight].map { gradients[$0]?.scalars ?? [] } + [b.map { gradients[$0]?.scalars ?? [] } ?? []]
    }

    func testFusedBlockMatchesSeparateOps() {
        let cases: [(n: Int, c: Int, h: Int, w: Int, mask: KernelMask, bias: Bool)] = [
            (3, 4, 6, 7, .causal(.b, size: 3), true),
            (2, 3, 5, 5, .causal(.a, size: 5), false),
            (2, 2, 4, 6, .causal(.b, height: 1, width: 3), true),
            (2, 3, 6, 5, .rowsAbove(height: 3, width: 3, includingCentreRow: true), true),
            (2, 64, 28, 28, .causal(.b, size: 3), true),   // the reference PixelCNN's block
            // 1×1 kernels have no borders: the ReLU copy in, the residual and bias added in place.
            (2, 3, 5, 9, .causal(.b, size: 1), true),
            (2, 2, 3, 4, .causal(.b, size: 1), false),
        ]
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            for (index, k) in cases.enumerated() {
                let seed = UInt64(40 + index)
                let fused = ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
                    Self.run(n: k.n, c: k.c, h: k.h, w: k.w, mask: k.mask, bias: k.bias, seed: seed) { x, weight, bias in
                        x.residualMaskedConv2d(weight: weight, bias: bias, mask: k.mask)
                    }
                }
                let separate = ShiftedTapConvolution.$minimumInputChannels.withValue(Int.max) {
                    Self.run(n: k.n, c: k.c, h: k.h, w: k.w, mask: k.mask, bias: k.bias, seed: seed) { x, weight, bias in
                        x + x.relu().maskedConv2d(weight: weight, bias: bias, mask: k.mask)
                    }
                }
                for (result, (a, b)) in zip(fused, separate).enumerated() {
                    assertClose(a, b, tolerance: k.c > 8 ? 1e-4 : 1e-5, "\(k), \(threads) threads, result \(result)")
                }
            }
        }
    }

    /// Below the channel threshold the op is the composition itself, with the same results.
    func testFallsBackToSeparateOpsForFewChannels() {
        let mask = KernelMask.causal(.b, size: 3)
        let composed = Self.run(n: 2, c: 2, h: 5, w: 5, mask: mask, bias: true, seed: 50) { x, weight, bias in
            x + x.relu().maskedConv2d(weight: weight, bias: bias, mask: mask)
        }
        let op = Self.run(n: 2, c: 2, h: 5, w: 5, mask: mask, bias: true, seed: 50) { x, weight, bias in
            x.residualMaskedConv2d(weight: weight, bias: bias, mask: mask)
        }
        XCTAssertEqual(op, composed)
    }
}
