import NN
import TensorCore

/// PixelCNN (van den Oord et al., "Pixel Recurrent Neural Networks", 2016): an autoregressive image
/// model with an exact likelihood, p(x) = Π_t p(x_t | x_<t) over the pixels in raster order.
///
/// The reference architecture (pixelcnn_torch.py in the shared reference), the default:
///   h = MaskA7×7(x)                 [N, 1, H, W] → [N, 64, H, W]
///   5 × h = h + MaskB3×3(ReLU(h))   [N, 64, H, W]
///   logits = Conv1×1(ReLU(h))       [N, 1, H, W], Bernoulli logits
/// Options: channels, residual blocks, both kernel sizes; a categorical output over grey levels
/// ([N, L, H, W] logits); a class-conditional model, which adds a learned per-class bias (a linear
/// map of the one-hot label) to every layer; and the Gated PixelCNN body (``GatedPixelCNNLayer``),
/// which removes the blind spot of stacked masks.
///
/// Colour images (`imageChannels` 3, the reference pixelcnn_color_torch.py) are [N, 3, H, W] with
/// channels R, G, B, and p(x_t | x_<t) = p(R | x_<t) · p(G | x_<t, R) · p(B | x_<t, R, G). Every
/// layer's channels are split into three groups R, G, B, and the masks also cover the groups at
/// the kernel centre (``ChannelGroupMask``): mask A lets output group g see input groups before g,
/// mask B groups up to g. The output is a 1×1 mask-B layer to 3·L logits, [N, 3·L, H, W] with
/// channel c·L + k for value k of colour c; the hidden channels must be a multiple of 3. The
/// reference's colour model is 96 channels and 256 levels:
///   h = MaskA7×7(x)                 [N, 3, H, W] → [N, 96, H, W]
///   5 × h = h + MaskB3×3(ReLU(h))   [N, 96, H, W]
///   logits = MaskB1×1(ReLU(h))      [N, 3·256, H, W]
/// The gated body is for grey images only: its gate multiplies two halves of the channels, which
/// would pair channels of different colour groups.
///
/// Mask A on the first layer and mask B after keep the output at each pixel blind to that pixel and
/// every later one, so the output at pixel t is a distribution over x_t given x_<t.
public final class PixelCNN: Module {
    /// The first layer of the plain body: k×k mask A, image channels → channels. Nil for the gated body. The
    /// names inp, res and out are the reference's, so its state_dict keys (less the masks) match.
    public let inp: MaskedConv2d?
    /// The residual blocks' k×k mask-B convolutions of the plain body (empty for the gated one).
    public let res: [MaskedConv2d]
    /// The layers of the gated body (empty for the plain one).
    public let gatedLayers: [GatedPixelCNNLayer]
    /// 1×1, channels → logits per pixel, for grey images; nil for colour ones.
    public let out: Conv2d?
    /// 1×1 mask B over the R, G, B channel groups, channels → 3 · logits per sub-pixel, for colour
    /// images; nil for grey ones.
    public let colourOut: MaskedConv2d?
    /// A class-conditional plain model's per-class biases of its first layer and each residual
    /// block, each a Linear from the one-hot label without bias. Empty when unconditional, and in
    /// the gated body, whose layers hold their own.
    public let classBiases: [Linear]
    /// A class-conditional model's per-class bias of the output layer, else nil.
    public let outClassBias: Linear?

    public let distribution: PixelDistribution
    /// Labels of a class-conditional model, or 0.
    public let classes: Int
    public let channels: Int
    /// Channels of the images: 1 (grey) or 3 (R, G, B).
    public let imageChannels: Int
    /// Whether the network reads each value v in [0, 1] as 2v − 1, centred on zero, as the
    /// reference colour PixelCNN reads its bytes (x/127.5 − 1); grey models read v itself.
    public let centresInput: Bool

    /// Whether the body is the Gated PixelCNN's.
    public var isGated: Bool { !gatedLayers.isEmpty }

    /// - Parameters:
    ///   - channels: feature maps per layer (p in the gated body).
    ///   - residualBlocks: layers after the first (residual blocks, or gated layers).
    ///   - firstKernelSize: the first layer's kernel (odd).
    ///   - hiddenKernelSize: the later layers' kernels (odd).
    ///   - distribution: Bernoulli (binary images) or categorical (grey levels).
    ///   - classes: labels of a class-conditional model, or 0 for an unconditional one.
    ///   - gated: the Gated PixelCNN body instead of residual blocks (grey images only).
    ///   - imageChannels: 1 for grey images, 3 for colour ones (then `channels` a multiple of 3).
    ///   - centresInput: whether the network reads 2v − 1 for each value v (see ``centresInput``).
    public init(channels: Int = 64, residualBlocks: Int = 5, firstKernelSize: Int = 7, hiddenKernelSize: Int = 3,
                distribution: PixelDistribution = .bernoulli, classes: Int = 0, gated: Bool = false, imageChannels: Int = 1,
                centresInput: Bool = false, using generator: inout RandomGenerator) {
        self.centresInput = centresInput
        precondition(channels > 0 && residualBlocks >= 0 && classes >= 0,
                     "PixelCNN: channels (\(channels)) must be positive, residual blocks (\(residualBlocks)) "
                        + "and classes (\(classes)) non-negative")
        precondition(firstKernelSize % 2 == 1 && hiddenKernelSize % 2 == 1 && firstKernelSize > 0 && hiddenKernelSize > 0,
                     "PixelCNN: kernel sizes \(firstKernelSize) and \(hiddenKernelSize) must be odd and positive")
        if case .categorical(let levels) = distribution {
            precondition(levels >= 2, "PixelCNN: a categorical output needs at least 2 levels, got \(levels)")
        }
        precondition(imageChannels == 1 || (imageChannels == 3 && channels % 3 == 0 && !gated),
                     "PixelCNN: \(imageChannels) image channels with \(channels) channels\(gated ? ", gated" : ""); colour images need "
                        + "a multiple of 3 channels and the residual body")
        self.imageChannels = imageChannels
        self.distribution = distribution
        self.classes = classes
        self.channels = channels
        if gated {
            inp = nil
            res = []
            gatedLayers = (0...residualBlocks).map { index in
                GatedPixelCNNLayer(inputs: index == 0 ? 1 : channels, channels: channels,
                                   kernelSize: index == 0 ? firstKernelSize : hiddenKernelSize, first: index == 0,
                                   classes: classes, using: &generator)
            }
        } else if imageChannels == 3 {
            inp = MaskedConv2d(.a, inputs: 3, outputs: channels, kernelSize: firstKernelSize, channelGroups: 3, using: &generator)
            res = (0..<residualBlocks).map { _ in
                MaskedConv2d(.b, inputs: channels, outputs: channels, kernelSize: hiddenKernelSize, channelGroups: 3, using: &generator)
            }
            gatedLayers = []
        } else {
            inp = MaskedConv2d(.a, inputs: 1, outputs: channels, kernelSize: firstKernelSize, using: &generator)
            res = (0..<residualBlocks).map { _ in
                MaskedConv2d(.b, inputs: channels, outputs: channels, kernelSize: hiddenKernelSize, using: &generator)
            }
            gatedLayers = []
        }
        if imageChannels == 3 {
            out = nil
            colourOut = MaskedConv2d(.b, inputs: channels, outputs: 3 * distribution.logitsPerPixel, kernelSize: 1, channelGroups: 3,
                                     using: &generator)
        } else {
            out = Conv2d(inputs: channels, outputs: distribution.logitsPerPixel, kernelSize: 1, using: &generator)
            colourOut = nil
        }
        classBiases = classes > 0 && !gated
            ? (0...residualBlocks).map { _ in Linear(inputs: classes, outputs: channels, bias: false, using: &generator) } : []
        outClassBias = classes > 0
            ? Linear(inputs: classes, outputs: imageChannels * distribution.logitsPerPixel, bias: false, using: &generator) : nil
    }

    /// The model's masked convolutions, in order.
    public var maskedConvolutions: [MaskedConv2d] {
        (inp.map { [$0] } ?? []) + res + gatedLayers.flatMap { [$0.vertical, $0.horizontal] } + (colourOut.map { [$0] } ?? [])
    }

    /// Logits per pixel of all its channels: imageChannels · logitsPerPixel.
    public var outputChannels: Int { imageChannels * distribution.logitsPerPixel }

    /// The output layer on ReLU(h): [N, channels, H, W] → [N, outputChannels, H, W].
    private func output(_ h: Tensor) -> Tensor {
        if let colourOut { return colourOut(h.relu()) }
        return out!(h.relu())
    }

    /// Sets how every masked convolution computes (live taps only, or PyTorch's full kernels).
    public func setComputation(_ computation: MaskedConv2d.Computation) {
        for layer in maskedConvolutions { layer.computation = computation }
    }

    // MARK: Likelihood

    /// The logits of every pixel's distribution given the pixels before it.
    ///
    /// - Parameters:
    ///   - images: [N, C, H, W] in the distribution's representation (see ``PixelDistribution``),
    ///     C the image channels.
    ///   - labels: N class labels for a class-conditional model, else nil.
    /// - Returns: [N, C·logitsPerPixel, H, W]; the logits at pixel t depend on pixels before t only,
    ///   and those of colour c (channels c·L..<(c + 1)·L) on the colours before c at pixel t.
    public func logits(_ images: Tensor, labels: [Int]? = nil) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == imageChannels,
                     "PixelCNN: images must be [N, \(imageChannels), H, W], got \(images.shape)")
        let oneHot = oneHotLabels(labels, count: images.shape[0])
        if isGated {
            var (v, h) = (images, images)
            for layer in gatedLayers { (v, h) = layer(vertical: v, horizontal: h, oneHot: oneHot) }
            return Self.addingClassBias(output(h), outClassBias, oneHot)
        }
        let bias = { (index: Int) in self.classBiases.isEmpty ? nil : self.classBiases[index] }
        var h = Self.addingClassBias(inp!(centresInput ? images * 2 - 1 : images), bias(0), oneHot)
        for (index, layer) in res.enumerated() {
            if let classBias = bias(index + 1) {
                h = h + Self.addingClassBias(layer(h.relu()), classBias, oneHot)
            } else {
                h = layer.residualBlock(h)   // h + layer(relu(h)), fused
            }
        }
        return Self.addingClassBias(output(h), outClassBias, oneHot)
    }

    /// −log p(x) of each image, exactly, in nats (summed over its pixels): [N].
    ///
    /// - Parameters:
    ///   - images: [N, C, H, W] in the distribution's representation.
    ///   - labels: N class labels for a class-conditional model, else nil.
    public func negativeLogLikelihood(_ images: Tensor, labels: [Int]? = nil) -> Tensor {
        distribution.negativeLogLikelihood(logits: logits(images, labels: labels), images: images)
    }

    /// The training loss: the mean over the batch of −log p(x), in nats per image (a scalar).
    public func loss(_ images: Tensor, labels: [Int]? = nil) -> Tensor {
        negativeLogLikelihood(images, labels: labels).mean()
    }

    // MARK: Conditioning

    /// [N, classes] one-hot rows of `labels`, checked against the model: labels are required by a
    /// class-conditional model and refused by an unconditional one.
    func oneHotLabels(_ labels: [Int]?, count: Int) -> Tensor? {
        guard isConditional else {
            precondition(labels == nil, "PixelCNN: labels given to an unconditional model")
            return nil
        }
        guard let labels else { preconditionFailure("PixelCNN: a class-conditional model needs one label per image") }
        precondition(labels.count == count, "PixelCNN: \(labels.count) labels for \(count) images")
        return Tensor.oneHot(labels, classes: classes)
    }

    /// `x` [N, C, H, W] plus the per-class bias `bias(oneHot)` [N, C] at every pixel, or `x` itself
    /// for an unconditional model.
    static func addingClassBias(_ x: Tensor, _ bias: Linear?, _ oneHot: Tensor?) -> Tensor {
        guard let bias, let oneHot else { return x }
        return x + bias(oneHot).reshaped([x.shape[0], x.shape[1], 1, 1])
    }
}
