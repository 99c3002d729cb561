import NN
import TensorCore

/// The recurrent layer of a PixelRNN, as config.json and `--layer` spell it.
public enum PixelRNNLayerKind: String, ConfigurationChoice {
    /// The Row LSTM: rows top to bottom, a triangle of context.
    case row
    /// The Diagonal BiLSTM: diagonals both ways, every earlier pixel in context.
    case diagonal
}

/// PixelRNN (van den Oord, Kalchbrenner, Kavukcuoglu, "Pixel Recurrent Neural Networks", 2016): an
/// autoregressive image model with an exact likelihood, p(x) = Π_t p(x_t | x_<t) over the pixels in
/// raster order, whose layers are LSTMs that carry context across the whole image.
///
/// The reference architecture (pixelrnn_torch.py in the shared reference), the default:
///   x = MaskA7×7(image)                       [N, 1, H, W] → [N, 2U, H, W]
///   L × x = x + Conv1×1(LSTM(x))              LSTM: [N, 2U, H, W] → [N, U, H, W]
///   logits = Conv1×1(ReLU(Conv1×1(ReLU(x))))  [N, logitsPerPixel, H, W]
/// with the Row LSTM or the Diagonal BiLSTM as the LSTM, L = 7 and U = 16. Only the first layer sees
/// the image, through mask A; every later map at a pixel depends on earlier pixels only, which the
/// LSTMs keep (the Row LSTM's mask-B input convolution; the Diagonal BiLSTM's shifted right-to-left
/// direction). The property names are the reference's, so its state_dict keys (less the masks) match.
public final class PixelRNN: Module {
    /// 7×7 mask A, 1 → 2U.
    public let inp: MaskedConv2d
    public let layers: [PixelRNNResidualLayer]
    /// 1×1, 2U → 2U, after a ReLU.
    public let out1: Conv2d
    /// 1×1, 2U → logits per pixel, after a ReLU.
    public let out2: Conv2d

    public let kind: PixelRNNLayerKind
    public let distribution: PixelDistribution
    /// U, the state channels of every LSTM (the residual stream has 2U).
    public let units: Int

    /// - Parameters:
    ///   - kind: the Row LSTM or the Diagonal BiLSTM.
    ///   - layers: L, the residual LSTM layers.
    ///   - units: U, each LSTM's state channels.
    ///   - inputKernelSize: the mask-A input convolution's kernel (odd).
    ///   - distribution: Bernoulli (binary images) or categorical (grey levels).
    public init(kind: PixelRNNLayerKind = .row, layers: Int = 7, units: Int = 16, inputKernelSize: Int = 7,
                distribution: PixelDistribution = .bernoulli, using generator: inout RandomGenerator) {
        precondition(layers >= 0 && units > 0 && inputKernelSize % 2 == 1 && inputKernelSize > 0,
                     "PixelRNN: \(layers) layers of \(units) units with a \(inputKernelSize)×\(inputKernelSize) input kernel")
        self.kind = kind
        self.distribution = distribution
        self.units = units
        inp = MaskedConv2d(.a, inputs: 1, outputs: 2 * units, kernelSize: inputKernelSize, using: &generator)
        self.layers = (0..<layers).map { _ in
            let rnn: any Layer = switch kind {
            case .row: RowLSTM(inputs: 2 * units, units: units, using: &generator)
            case .diagonal: DiagonalBiLSTM(inputs: 2 * units, units: units, using: &generator)
            }
            return PixelRNNResidualLayer(rnn: rnn, units: units, using: &generator)
        }
        out1 = Conv2d(inputs: 2 * units, outputs: 2 * units, kernelSize: 1, using: &generator)
        out2 = Conv2d(inputs: 2 * units, outputs: distribution.logitsPerPixel, kernelSize: 1, using: &generator)
    }

    /// The logits of every pixel's distribution given the pixels before it.
    ///
    /// - Parameter images: [N, 1, H, W] in the distribution's representation (see ``PixelDistribution``).
    /// - Returns: [N, logitsPerPixel, H, W]; the logits at pixel t depend on pixels before t only.
    public func logits(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == 1, "PixelRNN: images must be [N, 1, H, W], got \(images.shape)")
        var x = inp(images)
        for layer in layers { x = layer(x) }
        return out2(out1(x.relu()).relu())
    }
}

extension PixelRNN: CompletingImageModel {
    /// PixelRNN models are unconditional.
    public var classes: Int { 0 }

    /// −log p(x) of each image, exactly, in nats: [N, 1, H, W] → [N].
    public func negativeLogLikelihood(_ images: Tensor, labels: [Int]?) -> Tensor {
        precondition(labels == nil, "PixelRNN: labels given to an unconditional model")
        return distribution.negativeLogLikelihood(logits: logits(images), images: images)
    }
}
