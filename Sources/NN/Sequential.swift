import TensorCore

/// Layers applied in order. Its parameters are named by position: `0.weight`, `2.bias`, …
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }

    public var children: [(name: String, child: ModuleChild)] {
        layers.enumerated().map { (String($0.offset), .module($0.element)) }
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1($0) }
    }
}
