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
///
/// Colour images (`imageChannels` 3, section 3.4 of the paper) are [N, 3, H, W] with channels R,
/// G, B, and p(x_t | x_<t) = p(R | x_<t) · p(G | x_<t, R) · p(B | x_<t, R, G). Every map's
/// channels are split into three groups R, G, B (U a multiple of 3): the 7×7 input convolution has
/// mask A over the groups, and the LSTMs' input-to-state maps (whose four gates are grouped by
/// state channel), the residual 1×1 maps and both output maps have mask B over them
/// (``ChannelGroupMask``). So group g of every feature at pixel t depends on the pixels before t
/// and on the colours before g at t. The state-to-state maps and the cells' c_prev read states of
/// earlier pixels only, which may see those pixels wholly; the cell and the ReLUs act channel by
/// channel, within a group. The output is [N, 3·L, H, W], channel c·L + k for value k of colour c,
/// as the colour PixelCNN's (``PixelCNN``). The property names are the grey model's; the 1×1 maps
/// are ``MaskedConv2d``s with weights of the same shapes instead of ``Conv2d``s.
public final class PixelRNN: Module {
    /// 7×7 mask A, image channels → 2U.
    public let inp: MaskedConv2d
    public let layers: [PixelRNNResidualLayer]
    /// 1×1, 2U → 2U, after a ReLU: a ``Conv2d`` (grey) or a mask-B ``MaskedConv2d`` (colour).
    public let out1: any Layer
    /// 1×1, 2U → image channels · logits per pixel, after a ReLU: a ``Conv2d`` (grey) or a
    /// mask-B ``MaskedConv2d`` (colour).
    public let out2: any Layer

    public let kind: PixelRNNLayerKind
    public let distribution: PixelDistribution
    /// U, the state channels of every LSTM (the residual stream has 2U).
    public let units: Int
    /// Channels of the images: 1 (grey) or 3 (R, G, B).
    public let imageChannels: Int

    /// - Parameters:
    ///   - kind: the Row LSTM or the Diagonal BiLSTM.
    ///   - layers: L, the residual LSTM layers.
    ///   - units: U, each LSTM's state channels (a multiple of 3 on colour images).
    ///   - inputKernelSize: the mask-A input convolution's kernel (odd).
    ///   - distribution: Bernoulli (binary images) or categorical (grey levels, or levels of each colour).
    ///   - imageChannels: 1 for grey images, 3 for colour ones.
    public init(kind: PixelRNNLayerKind = .row, layers: Int = 7, units: Int = 16, inputKernelSize: Int = 7,
                distribution: PixelDistribution = .bernoulli, imageChannels: Int = 1, using generator: inout RandomGenerator) {
        precondition(layers >= 0 && units > 0 && inputKernelSize % 2 == 1 && inputKernelSize > 0,
                     "PixelRNN: \(layers) layers of \(units) units with a \(inputKernelSize)×\(inputKernelSize) input kernel")
        precondition(imageChannels == 1 || (imageChannels == 3 && units % 3 == 0),
                     "PixelRNN: \(imageChannels) image channels with \(units) units; colour images need a multiple of 3 units")
        self.kind = kind
        self.distribution = distribution
        self.units = units
        self.imageChannels = imageChannels
        let groups = imageChannels   // 1: no channel groups
        if groups == 1 {
            inp = MaskedConv2d(.a, inputs: 1, outputs: 2 * units, kernelSize: inputKernelSize, using: &generator)
        } else {
            inp = MaskedConv2d(.a, inputs: groups, outputs: 2 * units, kernelSize: inputKernelSize, channelGroups: groups, using: &generator)
        }
        self.layers = (0..<layers).map { _ in
            let rnn: any Layer = switch kind {
            case .row: RowLSTM(inputs: 2 * units, units: units, channelGroups: groups, using: &generator)
            case .diagonal: DiagonalBiLSTM(inputs: 2 * units, units: units, channelGroups: groups, using: &generator)
            }
            return PixelRNNResidualLayer(rnn: rnn, units: units, channelGroups: groups, using: &generator)
        }
        if groups == 1 {
            out1 = Conv2d(inputs: 2 * units, outputs: 2 * units, kernelSize: 1, using: &generator)
            out2 = Conv2d(inputs: 2 * units, outputs: distribution.logitsPerPixel, kernelSize: 1, using: &generator)
        } else {
            out1 = MaskedConv2d(.b, inputs: 2 * units, outputs: 2 * units, kernelSize: 1, channelGroups: groups, using: &generator)
            out2 = MaskedConv2d(.b, inputs: 2 * units, outputs: groups * distribution.logitsPerPixel, kernelSize: 1,
                                channelGroups: groups, using: &generator)
        }
    }

    /// The logits of every pixel's distribution given the pixels before it.
    ///
    /// - Parameter images: [N, C, H, W] in the distribution's representation (see
    ///   ``PixelDistribution``), C the image channels.
    /// - Returns: [N, C·logitsPerPixel, H, W]; the logits at pixel t depend on pixels before t only,
    ///   and those of colour c (channels c·L..<(c + 1)·L) on the colours before c at pixel t.
    public func logits(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == imageChannels,
                     "PixelRNN: images must be [N, \(imageChannels), H, W], got \(images.shape)")
        var x = inp(images)
        for layer in layers { x = layer(x) }
        return out2(out1(x.relu()).relu())
    }
}

extension PixelRNN: CompletingImageModel {
    /// PixelRNN models are unconditional.
    public var classes: Int { 0 }

    /// −log p(x) of each image, exactly, in nats: [N, C, H, W] → [N].
    public func negativeLogLikelihood(_ images: Tensor, labels: [Int]?) -> Tensor {
        precondition(labels == nil, "PixelRNN: labels given to an unconditional model")
        return distribution.negativeLogLikelihood(logits: logits(images), images: images)
    }
}
