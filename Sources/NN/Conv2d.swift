import TensorCore

/// A 2-D convolution layer over NCHW images, as PyTorch's Conv2d: weight [outputs, inputs, k, k],
/// bias [outputs], so checkpoints carry over.
public final class Conv2d: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    /// - Parameters:
    ///   - initializer: for the weight; the bias is drawn from U(−1/√fanIn, 1/√fanIn) with
    ///     fanIn = inputs·k·k, as PyTorch does, or zero for the other initializers.
    public init(inputs: Int, outputs: Int, kernelSize kernel: Int, stride: Int = 1, padding: Int = 0, bias hasBias: Bool = true,
                initializer: Initializer = .pytorchDefault, using generator: inout RandomGenerator) {
        precondition(inputs > 0 && outputs > 0 && kernel > 0, "Conv2d: sizes must be positive, got \(inputs) → \(outputs), kernel \(kernel)")
        self.stride = stride
        self.padding = padding
        weight = initializer.make([outputs, inputs, kernel, kernel], using: &generator)
        bias = hasBias ? Conv2d.makeBias(outputs, fanIn: inputs * kernel * kernel, initializer: initializer, using: &generator) : nil
    }

    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    /// PyTorch's bias for a layer with `fanIn` inputs per output: U(−1/√fanIn, 1/√fanIn), or zero
    /// for initializers other than PyTorch's.
    static func makeBias(_ count: Int, fanIn: Int, initializer: Initializer, using generator: inout RandomGenerator) -> Tensor {
        guard initializer == .pytorchDefault else { return .zeros([count], requiresGradient: true) }
        let bound = 1 / Float(fanIn).squareRoot()
        return .uniform([count], low: -bound, high: bound, using: &generator, requiresGradient: true)
    }

    /// [N, inputs, H, W] → [N, outputs, H', W'] with H' = (H + 2·padding − k)/stride + 1.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }

    /// The output side for an input side, or nil when the kernel does not fit.
    public func outputSide(forInput side: Int) -> Int? {
        let span = side + 2 * padding - weight.shape[2]
        return span >= 0 ? span / stride + 1 : nil
    }
}

/// A 2-D transposed convolution layer, as PyTorch's ConvTranspose2d: weight [inputs, outputs, k, k],
/// bias [outputs].
public final class TransposedConv2d: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int
    public let outputPadding: Int

    /// - Parameters:
    ///   - outputPadding: rows and columns added at the bottom and right (0 ≤ outputPadding < stride),
    ///     to reach an output size a stride-s convolution would have mapped to the same input size.
    ///   - initializer: as Conv2d's. PyTorch takes fanIn from the weight's second dimension
    ///     (outputs·k·k) for this layer, and so does this one.
    public init(inputs: Int, outputs: Int, kernelSize kernel: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
                bias hasBias: Bool = true, initializer: Initializer = .pytorchDefault, using generator: inout RandomGenerator) {
        precondition(inputs > 0 && outputs > 0 && kernel > 0, "TransposedConv2d: sizes must be positive, got \(inputs) → \(outputs), kernel \(kernel)")
        precondition(outputPadding >= 0 && outputPadding < max(stride, 1),
                     "TransposedConv2d: output padding \(outputPadding) must be below the stride \(stride)")
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        weight = initializer.make([inputs, outputs, kernel, kernel], using: &generator)
        bias = hasBias ? Conv2d.makeBias(outputs, fanIn: outputs * kernel * kernel, initializer: initializer, using: &generator) : nil
    }

    /// [N, inputs, H, W] → [N, outputs, H', W'] with H' = (H − 1)·stride − 2·padding + k + outputPadding.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.transposedConv2d(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding)
    }

    /// The output side for an input side.
    public func outputSide(forInput side: Int) -> Int {
        (side - 1) * stride - 2 * padding + weight.shape[2] + outputPadding
    }
}
