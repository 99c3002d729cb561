import NN
import TensorCore

/// One layer of the Gated PixelCNN (van den Oord et al., "Conditional Image Generation with
/// PixelCNN Decoders", 2016): a vertical and a horizontal stack, each gated as tanh(a) ⊙ σ(b).
///
/// The stacked 3×3 mask-B layers of the plain PixelCNN never see a wedge of pixels above and to
/// the right (the blind spot). Here the vertical stack sees whole rows above the pixel, growing
/// left and right with depth, and the horizontal stack sees the pixel's row to its left; the
/// vertical features enter the horizontal stack through a 1×1 convolution, never the other way:
///   v' = vertical(v) (+ class bias)                      [N, 2p, H, W]
///   h' = horizontal(h) + link(v') (+ class bias)          [N, 2p, H, W]
///   v ← tanh(v'₀..p) ⊙ σ(v'ₚ..₂ₚ)                         [N, p, H, W]
///   h ← output(tanh(h'₀..p) ⊙ σ(h'ₚ..₂ₚ)) + h              [N, p, H, W] (no residual in the first layer)
///
/// The first layer's vertical kernel has no centre row, so vertical features at row r depend on
/// rows above r only, and later layers keep that: they may then use the centre row (and the
/// features to the right of the pixel in it), and the vertical features can be added at the same
/// position with no shift. The horizontal kernel is 1×k with mask A first (not the pixel itself),
/// mask B after.
public final class GatedPixelCNNLayer: Module {
    /// k×k, rows above the centre (and the centre row after the first layer): inputs → 2p.
    public let vertical: MaskedConv2d
    /// 1×k, left of the centre (and the centre after the first layer): inputs → 2p.
    public let horizontal: MaskedConv2d
    /// 1×1, the vertical pre-activations into the horizontal stack: 2p → 2p.
    public let link: Conv2d
    /// 1×1, the gated horizontal features: p → p.
    public let output: Conv2d
    /// Per-class biases of the two stacks (Linear from a one-hot label to 2p, no bias), or nil.
    public let verticalClassBias: Linear?
    public let horizontalClassBias: Linear?

    /// The number of gated channels p.
    public var channels: Int { output.outputChannels }
    /// Whether the horizontal output adds the layer's input (not in the first layer, whose input
    /// is the image).
    public let isResidual: Bool

    /// - Parameters:
    ///   - inputs: channels of the layer's input (1 for the image, p after).
    ///   - first: whether this is the first layer, which must not see the current pixel.
    ///   - classes: labels of a class-conditional model, or 0.
    public init(inputs: Int, channels: Int, kernelSize: Int, first: Bool, classes: Int = 0,
                using generator: inout RandomGenerator) {
        vertical = MaskedConv2d(inputs: inputs, outputs: 2 * channels,
                                mask: .rowsAbove(height: kernelSize, width: kernelSize, includingCentreRow: !first), using: &generator)
        horizontal = MaskedConv2d(inputs: inputs, outputs: 2 * channels,
                                  mask: .causal(first ? .a : .b, height: 1, width: kernelSize), using: &generator)
        link = Conv2d(inputs: 2 * channels, outputs: 2 * channels, kernelSize: 1, using: &generator)
        output = Conv2d(inputs: channels, outputs: channels, kernelSize: 1, using: &generator)
        verticalClassBias = classes > 0 ? Linear(inputs: classes, outputs: 2 * channels, bias: false, using: &generator) : nil
        horizontalClassBias = classes > 0 ? Linear(inputs: classes, outputs: 2 * channels, bias: false, using: &generator) : nil
        isResidual = !first && inputs == channels
    }

    /// The layer on both stacks.
    ///
    /// - Parameters:
    ///   - vertical, horizontal: [N, inputs, H, W] each (the image twice for the first layer).
    ///   - oneHot: [N, classes] labels of a class-conditional model, else nil.
    /// - Returns: the new stacks, [N, p, H, W] each.
    public func callAsFunction(vertical v: Tensor, horizontal h: Tensor, oneHot: Tensor?) -> (vertical: Tensor, horizontal: Tensor) {
        let verticalPre = PixelCNN.addingClassBias(vertical(v), verticalClassBias, oneHot)
        let horizontalPre = PixelCNN.addingClassBias(horizontal(h) + link(verticalPre), horizontalClassBias, oneHot)
        let gated = output(Self.gate(horizontalPre))
        return (Self.gate(verticalPre), isResidual ? gated + h : gated)
    }

    /// tanh of the first half of the channels times σ of the second half: [N, 2p, …] → [N, p, …],
    /// or [2p, M] → [p, M] along `axis` 0.
    static func gate(_ x: Tensor, axis: Int = 1) -> Tensor {
        let half = x.shape[axis] / 2
        return x.slice(axis: axis, 0..<half).tanh() * x.slice(axis: axis, half..<(2 * half)).sigmoid()
    }
}
