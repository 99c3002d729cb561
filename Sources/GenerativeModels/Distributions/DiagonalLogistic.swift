import Foundation
import TensorCore

/// A batch of factorized logistic distributions, CDF σ((z − μ)/s) per coordinate: a
/// location–scale family shaped like the Gaussian in the middle with exponential tails.
///
/// Parameters: location μ [N, D] and scale head log s [N, D]. Mean μ, variance π²s²/3, entropy
/// log s + 2 per coordinate. z = μ + s·ε with ε = log u − log(1 − u), the inverse of the
/// standard logistic CDF at a uniform u.
public struct DiagonalLogistic: LogScaleFamily {
    public static let family = LatentFamily.logistic

    /// μ, [N, D].
    public let location: Tensor
    /// log s, [N, D].
    public let scaleHead: Tensor

    public init(location: Tensor, scaleHead: Tensor) {
        Self.checkShapes(location, scaleHead)
        self.location = location
        self.scaleHead = scaleHead
    }

    /// With t = (z − μ)/s the density is σ(t)σ(−t)/s, so per row Σ_d [log σ(t) + log σ(−t) − log s]:
    /// both terms in TensorCore's stable log-sigmoid, finite for any t. z is [N, D]; returns [N].
    public func logDensity(_ z: Tensor) -> Tensor {
        let t = (z - location) * (-scaleHead).exp()
        return (Self.standardLogDensityTerms(t) - scaleHead).sum(axis: 1)
    }

    /// Σ_d [log σ(z_d) + log σ(−z_d)] per row; z is [N, D], returns [N].
    public static func standardLogDensity(_ z: Tensor) -> Tensor {
        standardLogDensityTerms(z).sum(axis: 1)
    }

    /// log σ(t) + log σ(−t) elementwise.
    static func standardLogDensityTerms(_ t: Tensor) -> Tensor { t.logSigmoid() + (-t).logSigmoid() }

    /// log p − log(1 − p), the logit.
    public static func standardQuantile(_ p: Double) -> Double {
        Foundation.log(p) - Foundation.log1p(-p)
    }

    public var mean: Tensor { location }
    /// π²s²/3, [N, D].
    public var variance: Tensor { (scaleHead * 2).exp() * Float(Double.pi * Double.pi / 3) }

    /// Σ_d (log s + 2) per row, [N].
    public func entropy() -> Tensor { (scaleHead + 2).sum(axis: 1) }

    /// E|z| = μ + 2s·softplus(−μ/s), [N, D]. From E|z| = E[z] + 2E[max(−z, 0)] and
    /// E[max(−z, 0)] = ∫_{−∞}^0 F(x) dx = s ∫_{−∞}^{−μ/s} σ(t) dt = s·softplus(−μ/s).
    var absoluteMean: Tensor {
        location + scale * (-(location * (-scaleHead).exp())).softplus() * 2
    }

    /// Closed forms to the standard Gaussian (from mean, variance and entropy) and to the
    /// standard Laplace (through E|z| above). Monte Carlo to the standard logistic, where
    /// E[log(1 + e^(−z))] has no closed form unless s = 1, and to the Gumbel, where
    /// E[e^(−z)] = e^(−μ)·πs/sin(πs) is finite only for s < 1: for s ≥ 1 the KL is infinite.
    /// Avoid that pair.
    public func analyticKLDivergence(toStandard prior: LatentFamily) -> Tensor? {
        switch prior {
        case .gaussian: klToStandardGaussian()
        case .laplace: klToStandardLaplace(absoluteMean: absoluteMean)
        case .logistic, .gumbel: nil
        }
    }
}
