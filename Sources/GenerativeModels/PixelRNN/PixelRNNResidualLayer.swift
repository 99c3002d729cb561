import NN
import TensorCore

/// One residual PixelRNN layer (the paper's Figure 4): x + up(LSTM(x)), where the LSTM maps the
/// 2U-channel residual stream to U state channels and a 1×1 convolution maps them back to 2U.
public final class PixelRNNResidualLayer: Layer {
    /// The Row LSTM or the Diagonal BiLSTM.
    public let rnn: any Layer
    /// 1×1, U → 2U, with bias.
    public let up: Conv2d

    public init(rnn: any Layer, units: Int, using generator: inout RandomGenerator) {
        self.rnn = rnn
        up = Conv2d(inputs: units, outputs: 2 * units, kernelSize: 1, using: &generator)
    }

    /// [N, 2U, H, W] → [N, 2U, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input + up(rnn(input))
    }
}
