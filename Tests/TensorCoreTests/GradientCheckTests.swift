import TestSupport
import XCTest
@testable import TensorCore

/// Every op's VJP against central differences, in one table.
final class GradientCheckTests: XCTestCase {
    static let cases: [GradientCase] = arithmetic + elementwise + reductions + shapes + products + losses + convolutions
        + spatialRecurrences

    static let arithmetic: [GradientCase] = [
        GradientCase("add", [[3, 4], [3, 4]]) { $0[0] + $0[1] },
        GradientCase("add, row broadcast", [[3, 4], [4]]) { $0[0] + $0[1] },
        GradientCase("add, both broadcast", [[3, 1], [1, 4]]) { $0[0] + $0[1] },
        GradientCase("subtract, broadcast", [[2, 3, 4], [3, 1]]) { $0[0] - $0[1] },
        GradientCase("multiply", [[3, 4], [3, 4]]) { $0[0] * $0[1] },
        GradientCase("multiply, broadcast", [[2, 3, 4], [3, 1]]) { $0[0] * $0[1] },
        GradientCase("multiply, scalar tensor", [[3, 4], []]) { $0[0] * $0[1] },
        GradientCase("divide", [[3, 4], [3, 4]], values: .positive) { $0[0] / $0[1] },
        GradientCase("divide, broadcast", [[3, 4], [3, 1]], values: .positive) { $0[0] / $0[1] },
        GradientCase("negate", [[3, 4]]) { -$0[0] },
        GradientCase("scale and shift", [[3, 4]]) { 2 * $0[0] + 1 },
        GradientCase("constant minus", [[3, 4]]) { 1 - $0[0] },
        GradientCase("constant over", [[3, 4]], values: .positive) { 2 / $0[0] },
    ]

    static let elementwise: [GradientCase] = [
        GradientCase("exp", [[3, 4]]) { $0[0].exp() },
        GradientCase("log", [[3, 4]], values: .positive) { $0[0].log() },
        GradientCase("sqrt", [[3, 4]], values: .positive) { $0[0].sqrt() },
        GradientCase("square", [[3, 4]]) { $0[0].squared() },
        GradientCase("pow 1.5", [[3, 4]], values: .positive) { $0[0].pow(1.5) },
        GradientCase("abs", [[3, 4]]) { $0[0].abs() },
        GradientCase("clamp", [[3, 4]]) { $0[0].clamped(to: -1.1 ... 1.3) },
        GradientCase("relu", [[3, 4]]) { $0[0].relu() },
        GradientCase("leaky relu", [[3, 4]]) { $0[0].leakyRelu(negativeSlope: 0.2) },
        GradientCase("elu", [[3, 4]]) { $0[0].elu(alpha: 1.5) },
        GradientCase("sigmoid", [[3, 4]]) { $0[0].sigmoid() },
        GradientCase("tanh", [[3, 4]]) { $0[0].tanh() },
        GradientCase("softplus", [[3, 4]]) { $0[0].softplus() },
        GradientCase("log sigmoid", [[3, 4]]) { $0[0].logSigmoid() },
        GradientCase("log gamma", [[3, 4]], values: .positive) { $0[0].logGamma() },
        // 2a² spreads the inputs over [0.08, 8]: the steep region near 0 and arguments past 7,
        // where the asymptotic series is used without the recurrence.
        GradientCase("log gamma, small and large", [[3, 4]]) { ($0[0].squared() * 2).logGamma() },
        GradientCase("dropout", [[4, 5]]) { inputs in
            var generator = RandomGenerator(seed: 3)   // the same mask at every evaluation
            return inputs[0].dropout(rate: 0.4, using: &generator)
        },
    ]

    static let reductions: [GradientCase] = [
        GradientCase("sum", [[3, 4]]) { $0[0].sum() },
        GradientCase("mean", [[3, 4]]) { $0[0].mean() },
        GradientCase("sum axis 0", [[3, 4]]) { $0[0].sum(axis: 0) },
        GradientCase("sum middle axis, kept", [[2, 3, 4]]) { $0[0].sum(axis: 1, keepingDimension: true) },
        GradientCase("mean last axis", [[2, 3, 4]]) { $0[0].mean(axis: -1) },
        GradientCase("max axis 1", [[3, 5]], values: .distinct) { $0[0].max(axis: 1) },
        GradientCase("max axis 0", [[3, 5]], values: .distinct) { $0[0].max(axis: 0) },
        GradientCase("max of all", [[3, 5]], values: .distinct) { $0[0].max() },
        GradientCase("log-sum-exp axis 1", [[3, 5]]) { $0[0].logSumExp(axis: 1) },
        GradientCase("log-sum-exp axis 0, kept", [[3, 5]]) { $0[0].logSumExp(axis: 0, keepingDimension: true) },
        GradientCase("log-sum-exp of all", [[3, 5]]) { $0[0].logSumExp() },
    ]

    static let shapes: [GradientCase] = [
        GradientCase("reshape", [[3, 4]]) { $0[0].reshaped([2, 6]) * $0[0].reshaped([2, -1]) },
        GradientCase("permute", [[2, 3, 4]]) { $0[0].permuted([2, 0, 1]) },
        GradientCase("transpose", [[3, 4]]) { $0[0].transposed() },
        GradientCase("slice axis 1", [[3, 5]]) { $0[0].slice(axis: 1, 1..<4) },
        GradientCase("slice axis 0", [[4, 2, 3]]) { $0[0].slice(axis: 0, 2..<4) },
        GradientCase("concatenate", [[2, 3], [2, 4]]) { Tensor.concatenate([$0[0], $0[1]], axis: 1) },
        GradientCase("concatenate, same input twice", [[2, 3]]) { Tensor.concatenate([$0[0], $0[0].squared()], axis: 0) },
        GradientCase("stack", [[2, 3], [2, 3]]) { Tensor.stack([$0[0], $0[1]], axis: 1) },
        GradientCase("broadcast to", [[3, 1]]) { $0[0].broadcast(to: [2, 3, 4]) },
        GradientCase("gather rows, repeated", [[4, 3]]) { $0[0].gatherRows([2, 0, 2, 3]) },
    ]

    static let products: [GradientCase] = [
        GradientCase("matmul", [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
        // T = 3 steps of N = 3 rows, H = 2: projected inputs [T·N, 4H], h₀, c₀, W_hh [4H, H].
        GradientCase("lstm recurrence", [[9, 8], [3, 2], [3, 2], [8, 2]]) {
            Tensor.lstmRecurrence(projected: $0[0], initialHidden: $0[1], initialCell: $0[2], hiddenWeight: $0[3] * 0.5, steps: 3)
        },
        GradientCase("lstm recurrence, padded", [[9, 8], [3, 2], [3, 2], [8, 2]]) {
            Tensor.lstmRecurrence(projected: $0[0], initialHidden: $0[1], initialCell: $0[2], hiddenWeight: $0[3] * 0.5,
                                  steps: 3, lengths: [3, 1, 0])
        },
        // T = 3 steps of N = 3 rows, H = 2: projected inputs [T·N, 3H], h₀, W_hh [3H, H], b_hh [3H].
        GradientCase("gru recurrence", [[9, 6], [3, 2], [6, 2], [6]]) {
            Tensor.gruRecurrence(projected: $0[0], initialHidden: $0[1], hiddenWeight: $0[2] * 0.5, hiddenBias: $0[3], steps: 3)
        },
        GradientCase("gru recurrence, padded", [[9, 6], [3, 2], [6, 2], [6]]) {
            Tensor.gruRecurrence(projected: $0[0], initialHidden: $0[1], hiddenWeight: $0[2] * 0.5, hiddenBias: $0[3],
                                 steps: 3, lengths: [3, 1, 0])
        },
        GradientCase("matmul Aᵀ", [[4, 3], [4, 5]]) { $0[0].matmul($0[1], transposeSelf: true) },
        GradientCase("matmul Bᵀ", [[3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeOther: true) },
        GradientCase("matmul AᵀBᵀ", [[4, 3], [5, 4]]) { $0[0].matmul($0[1], transposeSelf: true, transposeOther: true) },
        GradientCase("batched matmul", [[2, 3, 4], [2, 4, 5]]) { $0[0].matmul($0[1]) },
        GradientCase("batched matmul Aᵀ", [[2, 4, 3], [2, 4, 5]]) { $0[0].matmul($0[1], transposeSelf: true) },
        GradientCase("batch times shared matrix", [[2, 3, 4], [5, 4]]) { $0[0].matmul($0[1], transposeOther: true) },
        GradientCase("affine with bias", [[3, 4], [5, 4], [5]]) { $0[0].affine(weight: $0[1], bias: $0[2]) },
        GradientCase("affine without bias", [[3, 4], [5, 4]]) { $0[0].affine(weight: $0[1], bias: nil) },
    ]

    /// Tiny shapes (N = 2, C = 2, 5×5) keep the debug-build check fast; W is [O, C, kH, kW] for
    /// conv2d and the masked convolution, and [C, O, kH, kW] for the transposed convolution.
    static let convolutions: [GradientCase] = [
        GradientCase("conv2d 3×3, stride 1, padding 1, bias", [[2, 2, 5, 5], [3, 2, 3, 3], [3]]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 1, padding: 1)
        },
        GradientCase("conv2d 3×3, stride 2, padding 0, no bias", [[2, 2, 5, 5], [3, 2, 3, 3]]) {
            $0[0].conv2d(weight: $0[1], stride: 2, padding: 0)
        },
        GradientCase("conv2d 4×4, stride 2, padding 1, bias", [[2, 2, 5, 5], [2, 2, 4, 4], [2]]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        },
        GradientCase("conv2d 2×3, stride (2, 1), padding (1, 0)", [[2, 2, 5, 5], [2, 2, 2, 3], [2]]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], stride: (2, 1), padding: (1, 0))
        },
        GradientCase("transposed conv2d 3×3, stride 2, padding 1", [[2, 2, 3, 3], [2, 3, 3, 3], [3]]) {
            $0[0].transposedConv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
        },
        GradientCase("transposed conv2d 4×4, stride 2, padding 1, output padding 1", [[2, 2, 3, 3], [2, 2, 4, 4]]) {
            $0[0].transposedConv2d(weight: $0[1], stride: 2, padding: 1, outputPadding: 1)
        },
        GradientCase("transposed conv2d 2×3, stride (2, 1), padding (0, 1)", [[2, 2, 3, 4], [2, 2, 2, 3], [2]]) {
            $0[0].transposedConv2d(weight: $0[1], bias: $0[2], stride: (2, 1), padding: (0, 1), outputPadding: (1, 0))
        },
        // Masked convolutions: the numeric gradient at a dead tap is 0, which the VJP must give too.
        GradientCase("masked conv2d 3×3 mask B, bias", [[2, 2, 5, 5], [3, 2, 3, 3], [3]]) {
            $0[0].maskedConv2d(weight: $0[1], bias: $0[2], mask: .causal(.b, size: 3))
        },
        GradientCase("masked conv2d 5×5 mask A, no bias", [[2, 2, 5, 5], [2, 2, 5, 5]]) {
            $0[0].maskedConv2d(weight: $0[1], mask: .causal(.a, size: 5))
        },
        GradientCase("masked conv2d 3×3 rows above with centre row", [[2, 2, 4, 5], [2, 2, 3, 3], [2]]) {
            $0[0].maskedConv2d(weight: $0[1], bias: $0[2], mask: .rowsAbove(height: 3, width: 3, includingCentreRow: true))
        },
        GradientCase("masked conv2d 1×3 mask A", [[2, 3, 4, 4], [2, 3, 1, 3], [2]]) {
            $0[0].maskedConv2d(weight: $0[1], bias: $0[2], mask: .causal(.a, height: 1, width: 3))
        },
        // The same ops through one GEMM per live tap (``ShiftedTapConvolution``), which layers with
        // fewer input channels than its threshold do not reach otherwise.
        GradientCase("masked conv2d 3×3 mask B, bias, shifted taps", [[2, 2, 5, 5], [3, 2, 3, 3], [3]]) { inputs in
            ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
                inputs[0].maskedConv2d(weight: inputs[1], bias: inputs[2], mask: .causal(.b, size: 3))
            }
        },
        GradientCase("masked conv2d 5×5 mask A, no bias, shifted taps", [[2, 2, 5, 5], [2, 2, 5, 5]]) { inputs in
            ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
                inputs[0].maskedConv2d(weight: inputs[1], mask: .causal(.a, size: 5))
            }
        },
        GradientCase("residual masked conv2d 3×3 mask B, bias, fused", [[2, 3, 5, 5], [3, 3, 3, 3], [3]]) { inputs in
            ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
                inputs[0].residualMaskedConv2d(weight: inputs[1], bias: inputs[2], mask: .causal(.b, size: 3))
            }
        },
        GradientCase("residual masked conv2d 3×3 mask A, no bias, composed", [[2, 2, 4, 5], [2, 2, 3, 3]]) {
            $0[0].residualMaskedConv2d(weight: $0[1], mask: .causal(.a, size: 3))
        },
        GradientCase("masked conv2d 1×3 mask A, shifted taps", [[2, 3, 4, 4], [2, 3, 1, 3], [2]]) { inputs in
            ShiftedTapConvolution.$minimumInputChannels.withValue(1) {
                inputs[0].maskedConv2d(weight: inputs[1], bias: inputs[2], mask: .causal(.a, height: 1, width: 3))
            }
        },
    ]

    static let losses: [GradientCase] = [
        GradientCase("log softmax", [[3, 5]]) { $0[0].logSoftmax() },
        GradientCase("softmax axis 0", [[3, 5]]) { $0[0].softmax(axis: 0) },
        GradientCase("cross-entropy", [[4, 5]]) { $0[0].crossEntropy(labels: [1, 0, 4, 1]) },
        // 70 positions: a whole tile of 64 and a partial one.
        GradientCase("cross-entropy along channels", [[2, 5, 70]]) { $0[0].crossEntropyAlongChannels(labels: (0..<140).map { $0 * 7 % 5 }) },
        GradientCase("binary cross-entropy", [[3, 4], [3, 4]]) { inputs in
            inputs[0].binaryCrossEntropy(targets: (inputs[1] * 0.25 + 0.5))
        },
        // Wider than 8 columns, so both the eight-lane part of the row sum and its tail count.
        GradientCase("binary cross-entropy row sums", [[3, 11], [3, 11]]) { inputs in
            inputs[0].binaryCrossEntropyRowSums(targets: (inputs[1] * 0.25 + 0.5))
        },
        // K = 2 logistics, one value per row (a row's −log P is ~7 nats for wide bins, and Float's
        // rounding of a sum of several such rows, over 2h, reaches the tolerance): logits, means
        // (some outside [−1, 1]) and log-scales in ±[0.2, 2]; the levels cover both edge bins.
        GradientCase("discretized logistic mixture", [[6, 6]]) { inputs in
            let levels: [Float] = [0, 255, 100, 201, 1, 254]
            return inputs[0].discretizedLogisticMixtureNegativeLogLikelihood(data: Tensor(shape: [6, 1], scalars: levels.map { $0 / 255 }),
                                                                             components: 2)
        },
        GradientCase("categorical levels", [[2, 15]]) { inputs in
            inputs[0].categoricalLevelsNegativeLogLikelihood(data: Tensor(shape: [2, 3], scalars: [0, 0.5, 1, 0.25, 0.75, 0]), levels: 5)
        },
    ]

    func testEveryOpMatchesCentralDifferences() {
        for gradientCase in Self.cases {
            let mismatches = gradientCase.check()
            XCTAssert(mismatches.isEmpty, mismatches.prefix(4).joined(separator: "\n"))
        }
    }

    /// The checker itself must catch a wrong VJP: here an op whose VJP is off by a factor of two.
    func testCheckerRejectsAWrongGradient() {
        let wrong = GradientCase("doubled gradient", [[3]]) { inputs in
            let x = inputs[0]
            return Tensor(shape: x.shape, scalars: x.scalars).recorded(from: [x]) { [2 * $0.upstream] }
        }
        XCTAssertFalse(wrong.check().isEmpty)
    }

    /// A variable the tape gives no gradient counts as gradient zero, so an op that drops its
    /// input's gradient is reported rather than skipped.
    func testCheckerReportsAVariableThatGotNoGradient() {
        let dropped = GradientCase("dropped gradient", [[3]]) { inputs in
            let x = inputs[0]
            return Tensor(shape: x.shape, scalars: x.scalars).recorded(from: [x]) { _ in [nil] }
        }
        XCTAssertEqual(dropped.check().count, 3)
    }
}
