import Foundation
import TensorCore

/// A batch of diagonal Gaussians N(μ, diag σ²), parameterized by mean and log-variance, as the
/// VAE encoder q(z|x) outputs them.
///
/// As a ``ReparameterizedDistribution`` its location is μ and its scale head is log σ² (not
/// log σ, unlike the other families), so existing encoders and checkpoints keep their meaning.
public struct DiagonalGaussian: ReparameterizedDistribution {
    public static let family = LatentFamily.gaussian

    /// [N, D]
    public let mean: Tensor
    /// [N, D], log σ²
    public let logVariance: Tensor

    public init(mean: Tensor, logVariance: Tensor) {
        precondition(mean.shape == logVariance.shape,
                     "DiagonalGaussian: mean \(mean.shape) and log-variance \(logVariance.shape) differ")
        self.mean = mean
        self.logVariance = logVariance
    }

    /// - Parameters:
    ///   - location: μ, [N, D].
    ///   - scaleHead: log σ², [N, D].
    public init(location: Tensor, scaleHead: Tensor) { self.init(mean: location, logVariance: scaleHead) }

    /// μ, [N, D].
    public var location: Tensor { mean }
    /// log σ², [N, D].
    public var scaleHead: Tensor { logVariance }

    /// ε ~ N(0, I) by the generator's Box–Muller fill, which is cheaper than inverting Φ.
    public static func drawNoise(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        Tensor.normal(shape, using: &generator)
    }

    /// z = μ + σ ⊙ ε, σ = exp(½ log σ²). ε and the result are [N, D].
    public func reparameterize(_ noise: Tensor) -> Tensor {
        mean + (logVariance * 0.5).exp() * noise
    }

    /// z = μ + σ ⊙ ε with ε ~ N(0, I): the reparameterization trick, so gradients reach μ and σ.
    /// - Returns: a sample [N, D] and the noise ε that produced it.
    public func sample(using generator: inout RandomGenerator) -> (z: Tensor, noise: Tensor) {
        let noise = Self.drawNoise(mean.shape, using: &generator)
        return (reparameterize(noise), noise)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) per row, in nats: ½ Σ_d (μ² + σ² − 1 − log σ²). Returns [N].
    public func klDivergenceFromStandardNormal() -> Tensor {
        klDivergencePerDimensionFromStandardNormal().sum(axis: 1)
    }

    /// KL(N(μ_d, σ_d²) ‖ N(0, 1)) of every row and dimension, in nats: ½ (μ² + σ² − 1 − log σ²). Returns [N, D].
    public func klDivergencePerDimensionFromStandardNormal() -> Tensor {
        (mean.squared() + logVariance.exp() - logVariance - 1) * 0.5
    }

    /// log N(z; μ, σ²) per row: −½ Σ_d ((z − μ)²/σ² + log σ² + log 2π). z is [N, D]; returns [N].
    public func logDensity(_ z: Tensor) -> Tensor {
        let squared = (z - mean).squared() * (-logVariance).exp()
        return ((squared + logVariance + Float(Foundation.log(2 * Double.pi))) * -0.5).sum(axis: 1)
    }

    /// log N(z; 0, I) per row, for the prior p(z). z is [N, D]; returns [N].
    public static func standardNormalLogDensity(_ z: Tensor) -> Tensor {
        ((z.squared() + Float(Foundation.log(2 * Double.pi))) * -0.5).sum(axis: 1)
    }

    public static func standardLogDensity(_ z: Tensor) -> Tensor { standardNormalLogDensity(z) }

    /// Φ⁻¹(p).
    public static func standardQuantile(_ p: Double) -> Double { StandardNormal.quantile(p) }

    /// σ², [N, D].
    public var variance: Tensor { logVariance.exp() }

    /// ½ Σ_d (log 2πe + log σ²_d) per row, [N].
    public func entropy() -> Tensor {
        ((logVariance + Float(Foundation.log(2 * Double.pi) + 1)) * 0.5).sum(axis: 1)
    }

    /// Closed forms to the standard Gaussian (the classic one above) and to the standard Gumbel,
    /// through E[e^(−z)] = e^(−μ + σ²/2), the Gaussian's moment-generating function at −1. To the
    /// standard Laplace it would need E|z|, which involves Φ (an erf op TensorCore lacks), and to
    /// the logistic nothing closed exists: those are Monte Carlo.
    public func analyticKLDivergence(toStandard prior: LatentFamily) -> Tensor? {
        switch prior {
        case .gaussian: klDivergenceFromStandardNormal()
        case .gumbel: klToStandardGumbel(logNegativeExponentialMoment: variance * 0.5 - mean)
        case .laplace, .logistic: nil
        }
    }
}
