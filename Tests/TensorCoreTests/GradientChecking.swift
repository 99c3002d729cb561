import XCTest
@testable import TensorCore

/// One row of the gradient-check table: an op applied to inputs of given shapes.
struct GradientCase: Sendable {
    let name: String
    let shapes: [Shape]
    /// How input values are drawn; the default keeps them away from kinks and zero.
    var values: InputValues = .awayFromZero
    let function: @Sendable ([Tensor]) -> Tensor

    init(_ name: String, _ shapes: [Shape], values: InputValues = .awayFromZero, _ function: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.name = name
        self.shapes = shapes
        self.values = values
        self.function = function
    }
}

/// Input distributions that keep central differences away from non-differentiable points.
enum InputValues: Sendable {
    /// Uniform in ±[0.2, 2]: no element near 0, where relu, abs and friends have kinks.
    case awayFromZero
    /// Uniform in [0.5, 2]: for log, sqrt, pow and division.
    case positive
    /// A shuffled evenly spaced grid: all values distinct by far more than the step, for max.
    case distinct

    func draw(_ shape: Shape, _ generator: inout RandomGenerator) -> [Float] {
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

/// Central-difference gradient checking in Float32.
///
/// The scalar checked is Σ f(inputs) ⊙ W with fixed random weights W, so every output element
/// contributes with its own weight and a wrong VJP cannot hide behind a uniform upstream.
enum GradientChecker {
    static let step: Float = 1e-3
    static let relativeTolerance: Double = 1e-2
    static let absoluteTolerance: Double = 2e-3

    /// Returns a list of mismatches, empty when the analytic and numeric gradients agree.
    static func check(_ gradientCase: GradientCase, seed: UInt64 = 7) -> [String] {
        var generator = RandomGenerator(seed: seed)
        let inputs = gradientCase.shapes.map {
            Tensor(shape: $0, scalars: gradientCase.values.draw($0, &generator), requiresGradient: true)
        }
        let probe = withoutGradients { gradientCase.function(inputs) }
        let weights = Tensor.uniform(probe.shape, low: -1, high: 1, using: &generator)
        let weightValues = weights.scalars
        // Summed in Double: a Float32 sum rounds differently at x + h and x − h, and for outputs of
        // magnitude ~10 (a transposed convolution's) that noise, divided by 2h, reached 5e-3.
        func objective() -> Double {
            let values = withoutGradients { gradientCase.function(inputs) }.scalars
            return zip(values, weightValues).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let gradients = (gradientCase.function(inputs) * weights).sum().backward()

        var mismatches: [String] = []
        for (inputIndex, input) in inputs.enumerated() {
            let analytic = gradients[input]?.scalars ?? [Float](repeating: 0, count: input.elementCount)
            for element in 0..<input.elementCount {
                let original = input.withUnsafeBufferPointer { $0[element] }
                input.withUnsafeMutableBufferPointer { $0[element] = original + step }
                let plus = objective()
                input.withUnsafeMutableBufferPointer { $0[element] = original - step }
                let minus = objective()
                input.withUnsafeMutableBufferPointer { $0[element] = original }
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[element])
                if Swift.abs(numeric - exact) > absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(numeric), Swift.abs(exact)) {
                    mismatches.append("\(gradientCase.name): input \(inputIndex) element \(element): analytic \(exact), numeric \(numeric)")
                }
            }
        }
        return mismatches
    }
}
