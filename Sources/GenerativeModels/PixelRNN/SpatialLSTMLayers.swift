import NN
import TensorCore

/// The Row LSTM layer of PixelRNN (van den Oord et al. 2016, section 3.1): every row's state from
/// the previous row's, so the state at a pixel sees a triangle of the rows above it.
///
/// The input-to-state map is a 1×3 convolution with mask B (the pixel and its left neighbour),
/// computed for all rows at once; the state-to-state map is a 1-D convolution of kernel 3 along the
/// previous row's state, inside the fused recurrence (``TensorCore/Tensor/rowLSTMRecurrence(stateWeight:)``).
/// The names i2s and s2s are the reference's, so its state_dict keys (less the masks) match.
///
/// On colour images (`channelGroups` 3) the input and the state are split into R, G, B groups and
/// the input-to-state map's centre tap is masked by group (mask B, ``ChannelGroupMask``): the gates
/// o, f, i, g of a group-g state channel read the input groups up to g at the pixel itself. The
/// state-to-state map needs no mask: it reads the row above, whose pixels are wholly drawn.
public final class RowLSTM: Layer {
    /// 1×3 mask B, inputs → 4U gates (o, f, i, g), with bias.
    public let i2s: MaskedConv2d
    /// [4U, U, 3], no bias: Conv1d's layout.
    public let s2s: Tensor

    /// - Parameters:
    ///   - inputs: channels of the layer's input.
    ///   - units: U, the state's channels.
    ///   - kernel: the state-to-state kernel along the row (odd).
    ///   - channelGroups: 1 for grey images; 3 for colour ones (inputs and U multiples of 3).
    public init(inputs: Int, units: Int, kernel: Int = 3, channelGroups: Int = 1, using generator: inout RandomGenerator) {
        let mask = channelGroups == 1 ? KernelMask.causal(.b, height: 1, width: 3)
            : .causal(.b, height: 1, width: 3, channelGroups: channelGroups, outputBlocks: 4)
        i2s = MaskedConv2d(inputs: inputs, outputs: 4 * units, mask: mask, using: &generator)
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
///
/// On colour images the 1×1 map is masked by channel group (mask B; the gates o, f, i, g of a
/// group-g state channel read input groups up to g); the state-to-state map reads states of
/// earlier pixels only (the pixel above and the one before in the sweep), so it needs no mask.
public final class DiagonalLSTM: Layer {
    /// 1×1, inputs → 4U gates (o, f, i, g), with bias: the paper's masked 1×1 convolution. On grey
    /// images it masks nothing and is a ``Conv2d``; on colour ones a ``MaskedConv2d`` over the R,
    /// G, B groups. Both hold [4U, inputs, 1, 1] weights and a bias.
    public let i2s: any Layer
    /// [4U, U, 2], no bias: over (row i − 1, row i) of the previous diagonal.
    public let s2s: Tensor
    public let direction: DiagonalDirection

    /// - Parameters:
    ///   - channelGroups: 1 for grey images; 3 for colour ones (inputs and U multiples of 3).
    public init(inputs: Int, units: Int, direction: DiagonalDirection, channelGroups: Int = 1, using generator: inout RandomGenerator) {
        if channelGroups == 1 {
            i2s = Conv2d(inputs: inputs, outputs: 4 * units, kernelSize: 1, using: &generator)
        } else {
            i2s = MaskedConv2d(inputs: inputs, outputs: 4 * units,
                               mask: .causal(.b, height: 1, width: 1, channelGroups: channelGroups, outputBlocks: 4), using: &generator)
        }
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

    /// - Parameters:
    ///   - channelGroups: 1 for grey images; 3 for colour ones (inputs and U multiples of 3).
    public init(inputs: Int, units: Int, channelGroups: Int = 1, using generator: inout RandomGenerator) {
        l2r = DiagonalLSTM(inputs: inputs, units: units, direction: .leftToRight, channelGroups: channelGroups, using: &generator)
        r2l = DiagonalLSTM(inputs: inputs, units: units, direction: .rightToLeft, channelGroups: channelGroups, using: &generator)
    }

    /// [N, inputs, H, W] → [N, U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        l2r(input) + r2l(input).shiftedDown(rows: 1)
    }
}
