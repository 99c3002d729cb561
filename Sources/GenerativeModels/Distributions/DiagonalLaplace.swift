import Foundation
import TensorCore

/// A batch of factorized Laplace distributions, density (1/2b) e^(−|z − μ|/b) per coordinate:
/// a location–scale family with heavier (exponential) tails than the Gaussian.
///
/// Parameters: location μ [N, D] and scale head log b [N, D]. Mean μ, variance 2b², entropy
/// 1 + log 2b per coordinate. z = μ + b·ε with ε from the standard Laplace, drawn by inverting
/// its CDF.
public struct DiagonalLaplace: LogScaleFamily {
    public static let family = LatentFamily.laplace

    /// μ, [N, D].
    public let location: Tensor
    /// log b, [N, D].
    public let scaleHead: Tensor

    public init(location: Tensor, scaleHead: Tensor) {
        Self.checkShapes(location, scaleHead)
        self.location = location
        self.scaleHead = scaleHead
    }

    /// Σ_d [−log 2 − log b − |z − μ|/b] per row; z is [N, D], returns [N].
    public func logDensity(_ z: Tensor) -> Tensor {
        ((z - location).abs() * (-scaleHead).exp() + scaleHead + Float(Foundation.log(2.0))).sum(axis: 1) * -1
    }

    /// Σ_d [−log 2 − |z_d|] per row; z is [N, D], returns [N].
    public static func standardLogDensity(_ z: Tensor) -> Tensor {
        (z.abs() + Float(Foundation.log(2.0))).sum(axis: 1) * -1
    }

    /// log 2p below ½ and −log 2(1 − p) above: each half of the CDF inverted separately, so
    /// neither tail loses digits to 1 − p.
    public static func standardQuantile(_ p: Double) -> Double {
        p < 0.5 ? Foundation.log(2 * p) : -Foundation.log(2 * (1 - p))
    }

    public var mean: Tensor { location }
    /// 2b² = 2e^(2 log b), [N, D].
    public var variance: Tensor { (scaleHead * 2).exp() * 2 }

    /// Σ_d (1 + log 2 + log b) per row, [N].
    public func entropy() -> Tensor {
        (scaleHead + Float(1 + Foundation.log(2.0))).sum(axis: 1)
    }

    /// E|z| = |μ| + b e^(−|μ|/b), [N, D]: the integral of |z| against the two exponential halves.
    /// Smooth at μ = 0 (its derivative ±(1 − e^(−|μ|/b)) vanishes from both sides), so the
    /// subgradient 0 of |μ| there gives the right gradient.
    var absoluteMean: Tensor {
        let distance = location.abs()
        return distance + scale * (-(distance * (-scaleHead).exp())).exp()
    }

    /// Closed forms to the standard Gaussian (from mean, variance and entropy) and to the
    /// standard Laplace, Σ_d [|μ| + b e^(−|μ|/b) − 1 − log b]. Monte Carlo to the logistic (no
    /// closed form) and to the Gumbel, where E[e^(−z)] = e^(−μ)/(1 − b²) is finite only for b < 1:
    /// for b ≥ 1 the KL itself is infinite, because the Laplace's left tail e^(z/b) outweighs the
    /// Gumbel's doubly exponential one. Avoid that pair.
    public func analyticKLDivergence(toStandard prior: LatentFamily) -> Tensor? {
        switch prior {
        case .gaussian: klToStandardGaussian()
        case .laplace: klToStandardLaplace(absoluteMean: absoluteMean)
        case .logistic, .gumbel: nil
        }
    }
}
