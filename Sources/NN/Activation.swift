import TensorCore

/// An activation function as a parameter-free layer, selectable by name (`--activation relu`).
public final class Activation: Layer {
    public enum Kind: String, CaseIterable, Sendable {
        case relu
        case leakyRelu = "leaky-relu"
        case elu
        case sigmoid
        case tanh
        case softplus
        case identity
    }

    public let kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public var children: [(name: String, child: ModuleChild)] { [] }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        switch kind {
        case .relu: input.relu()
        case .leakyRelu: input.leakyRelu()
        case .elu: input.elu()
        case .sigmoid: input.sigmoid()
        case .tanh: input.tanh()
        case .softplus: input.softplus()
        case .identity: input
        }
    }
}
