import TensorCore

/// A 2-D convolution layer: y = conv2d(x, W) + b, with the same stride and padding along both axes.
///
/// Weight [outputs, inputs, k, k] and bias [outputs], PyTorch's Conv2d layout, so checkpoints carry
/// over. With a 1×1 kernel it is a per-pixel linear map across channels (one GEMM with K = inputs).
public final class Conv2d: Layer {
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: Int
    public let padding: Int

    /// - Parameters:
    ///   - initializer: for the weight; the bias is drawn from U(−1/√fanIn, 1/√fanIn) with
    ///     fanIn = inputs·k², as PyTorch does, or zero for the other initializers.
    public init(inputs: Int, outputs: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias hasBias: Bool = true,
                initializer: Initializer = .pytorchDefault, using generator: inout RandomGenerator) {
        precondition(inputs > 0 && outputs > 0 && kernelSize > 0,
                     "Conv2d: channels and kernel size must be positive, got \(inputs) → \(outputs), kernel \(kernelSize)")
        weight = initializer.make([outputs, inputs, kernelSize, kernelSize], using: &generator)
        let fanIn = inputs * kernelSize * kernelSize
        bias = hasBias ? Conv2d.makeBias(outputs, fanIn: fanIn, initializer: initializer, using: &generator) : nil
        self.stride = stride
        self.padding = padding
    }

    /// PyTorch's bias for a layer with `fanIn` inputs per output: U(−1/√fanIn, 1/√fanIn), or zero
    /// for initializers other than PyTorch's.
    static func makeBias(_ count: Int, fanIn: Int, initializer: Initializer, using generator: inout RandomGenerator) -> Tensor {
        guard initializer == .pytorchDefault else { return .zeros([count], requiresGradient: true) }
        let bound = 1 / Float(fanIn).squareRoot()
        return .uniform([count], low: -bound, high: bound, using: &generator, requiresGradient: true)
    }

    public var inputChannels: Int { weight.shape[1] }
    public var outputChannels: Int { weight.shape[0] }

    /// [N, inputs, H, W] → [N, outputs, H', W'], H' = ⌊(H + 2·padding − k) / stride⌋ + 1.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding)
    }
}
