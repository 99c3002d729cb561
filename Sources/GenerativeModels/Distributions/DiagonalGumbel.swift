import Foundation
import TensorCore

/// A batch of factorized Gumbel (maximum) distributions, CDF exp(−e^(−(z − μ)/β)) per coordinate:
/// the family of Kingma & Welling's "tractable inverse CDF" list that lives on all of ℝ. It is
/// skewed to the right, with a doubly exponential left tail and an exponential right tail.
///
/// Parameters: location μ [N, D] and scale head log β [N, D]. The location is the mode, not the
/// mean: mean μ + γβ (γ the Euler–Mascheroni constant), variance π²β²/6, entropy log β + γ + 1
/// per coordinate.
///
/// Sampling inverts the CDF: z = F⁻¹(u; μ, β) = μ − β log(−log u) with u uniform. That is
/// affine in (μ, β), so it is computed as μ + β·ε with ε = −log(−log u) the standard Gumbel
/// variate, the same g as the location–scale families; the noise returned is ε, not u.
public struct DiagonalGumbel: LogScaleFamily {
    public static let family = LatentFamily.gumbel

    /// γ = 0.5772156649…, the mean of the standard Gumbel.
    public static let eulerGamma: Float = 0.577_215_664_9

    /// μ, [N, D].
    public let location: Tensor
    /// log β, [N, D].
    public let scaleHead: Tensor

    public init(location: Tensor, scaleHead: Tensor) {
        Self.checkShapes(location, scaleHead)
        self.location = location
        self.scaleHead = scaleHead
    }

    /// With t = (z − μ)/β, per row Σ_d [−log β − t − e^(−t)]. z is [N, D]; returns [N].
    public func logDensity(_ z: Tensor) -> Tensor {
        let t = (z - location) * (-scaleHead).exp()
        return (scaleHead + t + (-t).exp()).sum(axis: 1) * -1
    }

    /// Σ_d [−z_d − e^(−z_d)] per row; z is [N, D], returns [N].
    public static func standardLogDensity(_ z: Tensor) -> Tensor {
        (z + (-z).exp()).sum(axis: 1) * -1
    }

    /// −log(−log p).
    public static func standardQuantile(_ p: Double) -> Double { -Foundation.log(-Foundation.log(p)) }

    /// μ + γβ, [N, D].
    public var mean: Tensor { location + scale * Self.eulerGamma }
    /// π²β²/6, [N, D].
    public var variance: Tensor { (scaleHead * 2).exp() * Float(Double.pi * Double.pi / 6) }

    /// Σ_d (log β + γ + 1) per row, [N].
    public func entropy() -> Tensor { (scaleHead + (Self.eulerGamma + 1)).sum(axis: 1) }

    /// Closed forms to the standard Gaussian (from mean, variance and entropy) and to the
    /// standard Gumbel: with z = μ + βG, G standard Gumbel, e^(−G) is Exp(1)-distributed, so
    /// E[e^(−z)] = e^(−μ) E[(e^(−G))^β] = e^(−μ) Γ(1 + β), and per row
    /// KL = Σ_d [μ + γβ + e^(−μ + log Γ(1 + β)) − log β − γ − 1]. Monte Carlo to the Laplace
    /// (E|z| needs the exponential integral) and to the logistic.
    public func analyticKLDivergence(toStandard prior: LatentFamily) -> Tensor? {
        switch prior {
        case .gaussian: klToStandardGaussian()
        case .gumbel: klToStandardGumbel(logNegativeExponentialMoment: (scale + 1).logGamma() - location)
        case .laplace, .logistic: nil
        }
    }
}
