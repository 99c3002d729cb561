import TensorCore

/// Reshapes each example, keeping the batch dimension: [N, …] → [N] + `shape`. Flattening is
/// `Reshape([C·H·W])`; unflattening a dense layer's output for a convolution is `Reshape([C, H, W])`.
public final class Reshape: Layer {
    public let shape: [Int]

    public init(_ shape: [Int]) { self.shape = shape }

    public var children: [(name: String, child: ModuleChild)] { [] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        input.reshaped([input.shape[0]] + shape)
    }
}
