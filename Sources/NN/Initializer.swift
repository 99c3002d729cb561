import Foundation
import TensorCore

/// How a weight tensor of shape [fanOut, fanIn, …] is first filled.
public enum Initializer: String, CaseIterable, Sendable {
    /// U(−1/√fanIn, 1/√fanIn): what PyTorch's Linear and Conv layers do (kaiming_uniform with a = √5).
    case pytorchDefault = "pytorch"
    /// Glorot & Bengio: U(−a, a) with a = √(6/(fanIn + fanOut)).
    case xavierUniform = "xavier-uniform"
    /// Glorot & Bengio: N(0, 2/(fanIn + fanOut)).
    case xavierNormal = "xavier-normal"
    /// He et al. for ReLU: U(−a, a) with a = √(6/fanIn).
    case heUniform = "he-uniform"
    /// He et al. for ReLU: N(0, 2/fanIn).
    case heNormal = "he-normal"
    case zeros

    /// A new parameter of `shape`, drawn from this initializer's distribution.
    /// fanIn is the product of all dimensions after the first; fanOut is the first dimension
    /// times the receptive field (the dimensions after the second).
    public func make(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        precondition(shape.rank >= 1, "Initializer: cannot initialize a scalar parameter")
        let receptiveField = shape.dimensions.dropFirst(2).reduce(1, *)
        let fanIn = Float(max(1, shape.dimensions.dropFirst().reduce(1, *)))
        let fanOut = Float(max(1, shape[0] * receptiveField))
        switch self {
        case .pytorchDefault:
            let bound = 1 / fanIn.squareRoot()
            return .uniform(shape, low: -bound, high: bound, using: &generator, requiresGradient: true)
        case .xavierUniform:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            return .uniform(shape, low: -bound, high: bound, using: &generator, requiresGradient: true)
        case .xavierNormal:
            return .normal(shape, standardDeviation: (2 / (fanIn + fanOut)).squareRoot(), using: &generator, requiresGradient: true)
        case .heUniform:
            let bound = (6 / fanIn).squareRoot()
            return .uniform(shape, low: -bound, high: bound, using: &generator, requiresGradient: true)
        case .heNormal:
            return .normal(shape, standardDeviation: (2 / fanIn).squareRoot(), using: &generator, requiresGradient: true)
        case .zeros:
            return .zeros(shape, requiresGradient: true)
        }
    }
}
