import Foundation

/// Activation functions in numerically stable forms.

struct ReLU: ElementwiseFunction {
    func value(_ x: Float) -> Float { Swift.max(x, 0) }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : 0 }
}

struct LeakyReLU: ElementwiseFunction {
    let negativeSlope: Float
    func value(_ x: Float) -> Float { x > 0 ? x : negativeSlope * x }
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : negativeSlope }
}

struct ELU: ElementwiseFunction {
    let alpha: Float
    func value(_ x: Float) -> Float { x > 0 ? x : alpha * (FastMath.exp(x) - 1) }
    /// For x ≤ 0, d/dx α(eˣ − 1) = αeˣ = y + α.
    func derivative(x: Float, y: Float) -> Float { x > 0 ? 1 : y + alpha }
}

struct Sigmoid: ElementwiseFunction {
    /// Computed from e^(−|x|) ≤ 1, so neither branch overflows.
    func value(_ x: Float) -> Float {
        let e = FastMath.exp(-Swift.abs(x))
        return x >= 0 ? 1 / (1 + e) : e / (1 + e)
    }
    func derivative(x: Float, y: Float) -> Float { y * (1 - y) }
    var vectorLoop: VectorKernels.Loop? { VectorKernels.sigmoid }
}

struct HyperbolicTangent: ElementwiseFunction {
    func value(_ x: Float) -> Float { FastMath.tanh(x) }
    func derivative(x: Float, y: Float) -> Float { 1 - y * y }
    var vectorLoop: VectorKernels.Loop? { VectorKernels.tanh }
}

struct Softplus: ElementwiseFunction {
    /// log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): exact for large |x|, no overflow.
    func value(_ x: Float) -> Float { Swift.max(x, 0) + FastMath.log1p(FastMath.exp(-Swift.abs(x))) }
    func derivative(x: Float, y: Float) -> Float { Sigmoid().value(x) }
}

struct LogSigmoid: ElementwiseFunction {
    /// log σ(x) = −softplus(−x).
    func value(_ x: Float) -> Float { Swift.min(x, 0) - FastMath.log1p(FastMath.exp(-Swift.abs(x))) }
    /// d/dx log σ(x) = 1 − σ(x) = σ(−x).
    func derivative(x: Float, y: Float) -> Float { Sigmoid().value(-x) }
}

extension Tensor {
    public func relu() -> Tensor { applying(ReLU()) }
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor { applying(LeakyReLU(negativeSlope: negativeSlope)) }
    public func elu(alpha: Float = 1) -> Tensor { applying(ELU(alpha: alpha)) }
    public func sigmoid() -> Tensor { applying(Sigmoid()) }
    public func tanh() -> Tensor { applying(HyperbolicTangent()) }
    public func softplus() -> Tensor { applying(Softplus()) }
    public func logSigmoid() -> Tensor { applying(LogSigmoid()) }
}
