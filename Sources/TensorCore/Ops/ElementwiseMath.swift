import Foundation

/// exp, log, sqrt, square, pow by a constant, abs and clamp.

struct Exponential: ElementwiseFunction {
    func value(_ x: Float) -> Float { FastMath.exp(x) }
    var vectorLoop: VectorKernels.Loop? { VectorKernels.exp }
    func derivative(x: Float, y: Float) -> Float { y }
}

struct NaturalLogarithm: ElementwiseFunction {
    func value(_ x: Float) -> Float { Foundation.log(x) }
    func derivative(x: Float, y: Float) -> Float { 1 / x }
}

struct SquareRoot: ElementwiseFunction {
    func value(_ x: Float) -> Float { x.squareRoot() }
    func derivative(x: Float, y: Float) -> Float { 0.5 / y }
}

struct Square: ElementwiseFunction {
    func value(_ x: Float) -> Float { x * x }
    func derivative(x: Float, y: Float) -> Float { 2 * x }
}

struct Power: ElementwiseFunction {
    let exponent: Float
    func value(_ x: Float) -> Float { Foundation.pow(x, exponent) }
    func derivative(x: Float, y: Float) -> Float { exponent * Foundation.pow(x, exponent - 1) }
}

struct AbsoluteValue: ElementwiseFunction {
    func value(_ x: Float) -> Float { Swift.abs(x) }
    /// The subgradient 0 at x = 0, as PyTorch uses.
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

struct Clamp: ElementwiseFunction {
    let lower: Float, upper: Float
    func value(_ x: Float) -> Float { Swift.min(Swift.max(x, lower), upper) }
    /// Gradient passes where the input was inside the range (bounds included, as in PyTorch).
    func derivative(x: Float, y: Float) -> Float { x >= lower && x <= upper ? 1 : 0 }
}

extension Tensor {
    public func exp() -> Tensor { applying(Exponential()) }
    public func log() -> Tensor { applying(NaturalLogarithm()) }
    public func sqrt() -> Tensor { applying(SquareRoot()) }
    public func squared() -> Tensor { applying(Square()) }
    /// Each element raised to a constant power.
    public func pow(_ exponent: Float) -> Tensor { applying(Power(exponent: exponent)) }
    public func abs() -> Tensor { applying(AbsoluteValue()) }
    /// Each element limited to `lower ... upper`.
    public func clamped(to range: ClosedRange<Float>) -> Tensor {
        applying(Clamp(lower: range.lowerBound, upper: range.upperBound))
    }
}
