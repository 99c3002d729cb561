import Foundation

/// The discretized logistic mixture's formulas for one component (documented with the op,
/// Sources/TensorCore/Ops/DiscretizedLogisticMixture.swift), one value at a time in libm's
/// functions: the definition LogisticMixtureKernelTests holds the vectorized kernel to.
enum DiscretizedLogistic {
    /// Half a bin in [−1, 1] units.
    static let halfBin: Float = 1 / 255
    /// The floor of the log-scales.
    static let minimumLogScale: Float = -7

    /// log σ(x) = −softplus(−x), exact in both tails.
    @inline(__always) static func logSigmoid(_ x: Float) -> Float {
        x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x))
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : { let e = Foundation.exp(x); return e / (1 + e) }()
    }

    /// log P(level) under one logistic with mean `mean` and log-scale `logScale` (already floored),
    /// and its derivatives with respect to the mean and the log-scale.
    @inline(__always)
    static func logProbability(level: Int, mean: Float, logScale: Float) -> (value: Float, dMean: Float, dLogScale: Float) {
        let x = 2 * Float(level) / 255 - 1
        let inverseScale = Foundation.exp(-logScale)
        // A mean 10²⁰ away is as far as infinity for any scale the floor allows; bounding the
        // distance keeps b and a finite for any finite mean, so no ∞ − ∞ reaches the mixture.
        let centred = Swift.min(Swift.max(x - mean, -1e20), 1e20)
        let b = inverseScale * (centred + halfBin), a = inverseScale * (centred - halfBin)
        if level == 0 {
            // d log σ(b) = σ(−b) db; db/dμ = −1/s, db/d(log s) = −b.
            let tail = sigmoid(-b)
            return (logSigmoid(b), -inverseScale * tail, -b * tail)
        }
        if level == 255 {
            // d log σ(−a) = −σ(a) da; da/dμ = −1/s, da/d(log s) = −a.
            let tail = sigmoid(a)
            return (logSigmoid(-a), inverseScale * tail, a * tail)
        }
        let width = b - a   // 2/(255 s) > 0
        if width >= Float.leastNormalMagnitude {
            let logWidthTerm = Foundation.log(-Foundation.expm1(-width))
            // The 1/expm1(width) parts of d/da and d/db cancel in d/dμ, and are Δ/expm1(Δ) in d/d(log s).
            let (upper, lower) = (sigmoid(-b), sigmoid(a))
            return (logSigmoid(b) + logSigmoid(-a) + logWidthTerm,
                    inverseScale * (lower - upper),
                    a * lower - b * upper - width / Foundation.expm1(width))
        }
        // The bin is too narrow in units of the scale to be told from a point (its width in those
        // units below the smallest normal float): its mass is the density at the centre,
        // e^m / (s (1 + e^m)²) with m = (x − μ)/s, times the width 2/255.
        let m = inverseScale * centred
        let slope = 1 - 2 * sigmoid(m)
        return (m - logScale + 2 * logSigmoid(-m) + Foundation.log(2 * halfBin),
                -inverseScale * slope, -1 - m * slope)
    }
}
