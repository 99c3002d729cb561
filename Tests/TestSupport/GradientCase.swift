import TensorCore

/// One row of a gradient-check table: an op applied to inputs of given shapes, checked by
/// ``CentralDifferences``.
public struct GradientCase: Sendable {
    /// Names the row in mismatch messages.
    public let name: String
    /// One shape per input.
    public let shapes: [Shape]
    /// How input values are drawn; the default keeps them away from kinks and zero.
    public var values: InputValues
    /// The op under test, applied to the inputs in order.
    public let function: @Sendable ([Tensor]) -> Tensor

    public init(_ name: String, _ shapes: [Shape], values: InputValues = .awayFromZero,
                _ function: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.name = name
        self.shapes = shapes
        self.values = values
        self.function = function
    }

    /// Draws the inputs from `RandomGenerator(seed: seed)` and returns
    /// ``CentralDifferences/mismatches(of:seed:_:)`` for them (with the checker's own projection
    /// weights), the inputs named "name, input i": empty when the op's VJP agrees.
    public func check(seed: UInt64 = 7) -> [String] {
        var generator = RandomGenerator(seed: seed)
        let inputs = shapes.map { Tensor(shape: $0, scalars: values.draw($0, &generator), requiresGradient: true) }
        let variables = inputs.enumerated().map { (name: "\(name), input \($0.offset)", tensor: $0.element) }
        return CentralDifferences.mismatches(of: variables) { function(inputs) }
    }
}

/// Input distributions that keep central differences away from non-differentiable points.
public enum InputValues: Sendable {
    /// Uniform in ±[0.2, 2]: no element near 0, where relu, abs and friends have kinks.
    case awayFromZero
    /// Uniform in [0.5, 2]: for log, sqrt, pow and division.
    case positive
    /// A shuffled evenly spaced grid: all values distinct by far more than the step, for max.
    case distinct

    /// `shape.elementCount` values from this distribution.
    public func draw(_ shape: Shape, _ generator: inout RandomGenerator) -> [Float] {
        let count = shape.elementCount
        switch self {
        case .awayFromZero:
            return (0..<count).map { _ in
                let magnitude = 0.2 + 1.8 * generator.nextUniform()
                return generator.nextUniform() < 0.5 ? -magnitude : magnitude
            }
        case .positive:
            return (0..<count).map { _ in 0.5 + 1.5 * generator.nextUniform() }
        case .distinct:
            return generator.permutation(count).map { Float($0) * 0.1 - Float(count) * 0.05 }
        }
    }
}
