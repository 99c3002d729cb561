import Foundation

/// log Γ(x) and the digamma function ψ(x) = d/dx log Γ(x), for x > 0.
///
/// The Gumbel family's closed-form KL needs E[e^(−z)] = Γ(1 + β) with a gradient in β, hence
/// log Γ as a differentiable op with ψ as its derivative. Both are computed in Double by the same
/// scheme: the recurrences log Γ(x) = log Γ(x + n) − log(x(x+1)…(x+n−1)) and
/// ψ(x) = ψ(x + n) − Σ 1/(x + k) move x to at least 7, where the asymptotic (Stirling) series
/// truncated as below leave less than 1e-13 (the first omitted terms, 1/(156x¹³) and
/// 1/(12x¹⁴), at x = 7) — far beyond the Float32 the tensor op rounds to, so that the scalar
/// functions can be checked tightly against identities. Written out rather than calling libm's `lgamma`, which writes the global `signgam`
/// and so races when an elementwise loop runs on several threads.
public enum GammaFunction {
    /// Where the asymptotic series take over from the recurrences.
    static let asymptoticThreshold = 7.0

    /// log Γ(x) for x > 0; NaN for x ≤ 0 or NaN, +∞ for x = +∞.
    public static func logGamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        guard x.isFinite else { return x }
        var shifted = x
        var product = 1.0
        while shifted < asymptoticThreshold {
            product *= shifted
            shifted += 1
        }
        // (x − ½) log x − x + ½ log 2π + Σ_k B₂ₖ/(2k(2k−1)x^(2k−1)):
        // 1/(12x) − 1/(360x³) + 1/(1260x⁵) − 1/(1680x⁷) + 1/(1188x⁹) − 691/(360360x¹¹).
        let inverse = 1 / shifted, inverseSquared = inverse * inverse
        var series = -691.0 / 360_360
        series = series * inverseSquared + 1.0 / 1188
        series = series * inverseSquared - 1.0 / 1680
        series = series * inverseSquared + 1.0 / 1260
        series = series * inverseSquared - 1.0 / 360
        series = series * inverseSquared + 1.0 / 12
        let stirling = (shifted - 0.5) * Foundation.log(shifted) - shifted
            + 0.5 * Foundation.log(2 * Double.pi) + series * inverse
        return stirling - Foundation.log(product)
    }

    /// ψ(x) = Γ′(x)/Γ(x) for x > 0; NaN for x ≤ 0 or NaN, +∞ for x = +∞.
    public static func digamma(_ x: Double) -> Double {
        guard x > 0 else { return .nan }
        guard x.isFinite else { return x }
        var shifted = x
        var reciprocals = 0.0
        while shifted < asymptoticThreshold {
            reciprocals += 1 / shifted
            shifted += 1
        }
        // log x − 1/(2x) − Σ_k B₂ₖ/(2k x^(2k)):
        // − 1/(12x²) + 1/(120x⁴) − 1/(252x⁶) + 1/(240x⁸) − 1/(132x¹⁰) + 691/(32760x¹²).
        let inverseSquared = 1 / (shifted * shifted)
        var series = 691.0 / 32760
        series = series * inverseSquared - 1.0 / 132
        series = series * inverseSquared + 1.0 / 240
        series = series * inverseSquared - 1.0 / 252
        series = series * inverseSquared + 1.0 / 120
        series = series * inverseSquared - 1.0 / 12
        let asymptotic = Foundation.log(shifted) - 0.5 / shifted + series * inverseSquared
        return asymptotic - reciprocals
    }
}

struct LogGamma: ElementwiseFunction {
    func value(_ x: Float) -> Float { Float(GammaFunction.logGamma(Double(x))) }
    func derivative(x: Float, y: Float) -> Float { Float(GammaFunction.digamma(Double(x))) }
}

extension Tensor {
    /// log Γ(x) elementwise, for x > 0 (NaN elsewhere); its derivative is the digamma function.
    public func logGamma() -> Tensor { applying(LogGamma()) }
}
