import NN
import TensorCore

/// One residual PixelRNN layer (the paper's Figure 4): x + up(LSTM(x)), where the LSTM maps the
/// 2U-channel residual stream to U state channels and a 1×1 convolution maps them back to 2U.
public final class PixelRNNResidualLayer: Layer {
    /// The Row LSTM or the Diagonal BiLSTM.
    public let rnn: any Layer
    /// 1×1, U → 2U, with bias: a ``Conv2d`` on grey images; on colour ones a ``MaskedConv2d`` of
    /// mask B over the R, G, B groups, so the residual stream's group g reads state groups up to g.
    public let up: any Layer

    /// - Parameters:
    ///   - channelGroups: 1 for grey images; 3 for colour ones (U a multiple of 3).
    public init(rnn: any Layer, units: Int, channelGroups: Int = 1, using generator: inout RandomGenerator) {
        self.rnn = rnn
        if channelGroups == 1 {
            up = Conv2d(inputs: units, outputs: 2 * units, kernelSize: 1, using: &generator)
        } else {
            up = MaskedConv2d(.b, inputs: units, outputs: 2 * units, kernelSize: 1, channelGroups: channelGroups, using: &generator)
        }
    }

    /// [N, 2U, H, W] → [N, 2U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input + up(rnn(input))
    }
}
