import TensorCore

/// A fully connected layer: y = x·Wᵀ + b.
///
/// Weight [outputs, inputs] and bias [outputs], as in PyTorch, so checkpoints carry over.
public final class Linear: Layer {
    public let weight: Tensor
    public let bias: Tensor?

    /// - Parameters:
    ///   - initializer: for the weight; the bias is drawn from U(−1/√inputs, 1/√inputs) as PyTorch
    ///     does, or zero for the other initializers.
    public init(inputs: Int, outputs: Int, bias hasBias: Bool = true,
                initializer: Initializer = .pytorchDefault, using generator: inout RandomGenerator) {
        precondition(inputs > 0 && outputs > 0, "Linear: sizes must be positive, got \(inputs) → \(outputs)")
        weight = initializer.make([outputs, inputs], using: &generator)
        if hasBias {
            let bound = 1 / Float(inputs).squareRoot()
            bias = initializer == .pytorchDefault
                ? .uniform([outputs], low: -bound, high: bound, using: &generator, requiresGradient: true)
                : .zeros([outputs], requiresGradient: true)
        } else {
            bias = nil
        }
    }

    public var inputCount: Int { weight.shape[1] }
    public var outputCount: Int { weight.shape[0] }

    /// [N, inputs] → [N, outputs].
    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.affine(weight: weight, bias: bias)
    }
}
