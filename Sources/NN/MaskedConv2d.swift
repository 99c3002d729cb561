import TensorCore

/// A convolution whose kernel sees only some taps (see ``KernelMask``): PixelCNN's mask A and B
/// layers, and the Gated PixelCNN's vertical and horizontal stacks. Stride 1 and padding
/// (kH/2, kW/2), so the output has the input's height and width.
///
/// The full kernel is stored, weight [outputs, inputs, kH, kW] and bias [outputs], PyTorch's layout,
/// so a checkpoint of PyTorch's masked layer loads as is (its `mask` buffer is not a parameter).
/// Dead taps start at zero and get zero gradients, so they stay zero: the stored weight is the
/// effective kernel, weight ⊙ mask.
public final class MaskedConv2d: Layer {
    /// How the layer computes the same function.
    public enum Computation: String, Sendable, CaseIterable {
        /// im2col and GEMM over the live taps only (``Tensor/maskedConv2d(weight:bias:mask:)``).
        case liveTaps
        /// conv2d over weight ⊙ mask, every tap included, as PyTorch's PixelCNN code does: for
        /// comparisons and benchmarks.
        case fullKernel
    }

    public let weight: Tensor
    public let bias: Tensor?
    public let mask: KernelMask
    /// How ``callAsFunction(_:)`` computes; the results agree up to Float32 rounding.
    public var computation: Computation = .liveTaps
    /// The mask as a [kH, kW] tensor of ones and zeros, or [O, C, kH, kW] for a mask with channel
    /// groups, for ``Computation/fullKernel``. Not a parameter: it needs no gradient.
    private let maskTensor: Tensor

    /// - Parameters:
    ///   - mask: the live taps; its size is the kernel size.
    ///   - bias: whether the layer has a bias.
    /// Weight and bias are drawn as PyTorch draws a Conv2d's (U(−1/√fanIn, 1/√fanIn) with
    /// fanIn = inputs·kH·kW, dead taps included, as in the reference PixelCNN), then the dead taps
    /// are set to zero.
    public init(inputs: Int, outputs: Int, mask: KernelMask, bias hasBias: Bool = true, using generator: inout RandomGenerator) {
        precondition(inputs > 0 && outputs > 0, "MaskedConv2d: channels must be positive, got \(inputs) → \(outputs)")
        self.mask = mask
        maskTensor = mask.centreGroups == nil ? mask.tensor() : mask.tensor(outputs: outputs, inputs: inputs)
        let drawn = Initializer.pytorchDefault.make([outputs, inputs, mask.height, mask.width], using: &generator)
        let maskValues = maskTensor.scalars
        weight = Tensor(shape: drawn.shape, requiresGradient: true) { out in
            drawn.withUnsafeBufferPointer { source in
                for index in 0..<out.count { out[index] = source[index] * maskValues[index % maskValues.count] }
            }
        }
        bias = hasBias ? Conv2d.makeBias(outputs, fanIn: inputs * mask.height * mask.width, initializer: .pytorchDefault,
                                         using: &generator) : nil
    }

    /// PixelCNN's k×k layer with mask A or B.
    public convenience init(_ type: KernelMask.CausalType, inputs: Int, outputs: Int, kernelSize: Int, bias: Bool = true,
                            using generator: inout RandomGenerator) {
        self.init(inputs: inputs, outputs: outputs, mask: .causal(type, size: kernelSize), bias: bias, using: &generator)
    }

    /// The colour PixelCNN's k×k layer with mask A or B over `channelGroups` channel groups (3 for
    /// R, G, B; see ``ChannelGroupMask``): inputs and outputs are split into the groups in order.
    public convenience init(_ type: KernelMask.CausalType, inputs: Int, outputs: Int, kernelSize: Int, channelGroups: Int,
                            bias: Bool = true, using generator: inout RandomGenerator) {
        self.init(inputs: inputs, outputs: outputs,
                  mask: .causal(type, height: kernelSize, width: kernelSize, channelGroups: channelGroups), bias: bias, using: &generator)
    }

    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    /// [N, inputs, H, W] → [N, outputs, H, W].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        switch computation {
        case .liveTaps:
            input.maskedConv2d(weight: weight, bias: bias, mask: mask)
        case .fullKernel:
            input.conv2d(weight: weight * maskTensor, bias: bias, stride: (1, 1), padding: (mask.height / 2, mask.width / 2))
        }
    }

    /// x + self(relu(x)), PixelCNN's residual block: [N, C, H, W] → [N, C, H, W] (inputs = outputs).
    /// Over live taps one fused op (``Tensor/residualMaskedConv2d(weight:bias:mask:)``), which
    /// saves the separate passes of the ReLU, the add and their VJPs; over full kernels the three ops.
    public func residualBlock(_ x: Tensor) -> Tensor {
        switch computation {
        case .liveTaps:
            x.residualMaskedConv2d(weight: weight, bias: bias, mask: mask)
        case .fullKernel:
            x + self(x.relu())
        }
    }
}
