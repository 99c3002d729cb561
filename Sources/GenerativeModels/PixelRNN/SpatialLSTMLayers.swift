import NN
import TensorCore

/// The Row LSTM layer of PixelRNN (van den Oord et al. 2016, section 3.1): every row's state from
/// the previous row's, so the state at a pixel sees a triangle of the rows above it.
///
/// The input-to-state map is a 1×3 convolution with mask B (the pixel and its left neighbour),
/// computed for all rows at once; the state-to-state map is a 1-D convolution of kernel 3 along the
/// previous row's state, inside the fused recurrence (``TensorCore/Tensor/rowLSTMRecurrence(stateWeight:)``).
/// The names i2s and s2s are the reference's, so its state_dict keys (less the masks) match.
public final class RowLSTM: Layer {
    /// 1×3 mask B, inputs → 4U gates (o, f, i, g), with bias.
    public let i2s: MaskedConv2d
    /// [4U, U, 3], no bias: Conv1d's layout.
    public let s2s: Tensor

    /// - Parameters:
    ///   - inputs: channels of the layer's input.
    ///   - units: U, the state's channels.
    ///   - kernel: the state-to-state kernel along the row (odd).
    public init(inputs: Int, units: Int, kernel: Int = 3, using generator: inout RandomGenerator) {
        i2s = MaskedConv2d(inputs: inputs, outputs: 4 * units, mask: .causal(.b, height: 1, width: 3), using: &generator)
        s2s = Initializer.pytorchDefault.make([4 * units, units, kernel], using: &generator)
    }

    public var units: Int { s2s.shape[1] }

    /// [N, inputs, H, W] → h, [N, U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        i2s(input).rowLSTMRecurrence(stateWeight: s2s)
    }
}

/// One direction of the Diagonal BiLSTM: a 1×1 input-to-state convolution and the diagonal sweep
/// with its 2×1 state-to-state convolution (``TensorCore/Tensor/diagonalLSTMRecurrence(stateWeight:direction:)``).
public final class DiagonalLSTM: Layer {
    /// 1×1, inputs → 4U gates (o, f, i, g), with bias: the paper's masked 1×1 convolution, which
    /// on one colour channel masks nothing.
    public let i2s: Conv2d
    /// [4U, U, 2], no bias: over (row i − 1, row i) of the previous diagonal.
    public let s2s: Tensor
    public let direction: DiagonalDirection

    public init(inputs: Int, units: Int, direction: DiagonalDirection, using generator: inout RandomGenerator) {
        i2s = Conv2d(inputs: inputs, outputs: 4 * units, kernelSize: 1, using: &generator)
        s2s = Initializer.pytorchDefault.make([4 * units, units, 2], using: &generator)
        self.direction = direction
    }

    /// [N, inputs, H, W] → h, [N, U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        i2s(input).diagonalLSTMRecurrence(stateWeight: s2s, direction: direction)
    }
}

/// The Diagonal BiLSTM layer of PixelRNN (section 3.2): a left-to-right and a right-to-left
/// diagonal LSTM, the second shifted down one row, added. The left-to-right state at (i, j) sees
/// every (i′ ≤ i, j′ ≤ j); the right-to-left one, shifted, every (i′ < i, j′ ≥ j) it reaches; so
/// together the layer sees the pixels above and to the left, without the pixel itself.
public final class DiagonalBiLSTM: Layer {
    public let l2r: DiagonalLSTM
    public let r2l: DiagonalLSTM

    public init(inputs: Int, units: Int, using generator: inout RandomGenerator) {
        l2r = DiagonalLSTM(inputs: inputs, units: units, direction: .leftToRight, using: &generator)
        r2l = DiagonalLSTM(inputs: inputs, units: units, direction: .rightToLeft, using: &generator)
    }

    /// [N, inputs, H, W] → [N, U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        l2r(input) + r2l(input).shiftedDown(rows: 1)
    }
}
