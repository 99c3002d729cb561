import Foundation
import TensorCore

/// A batch of diagonal Gaussians N(μ, diag σ²), parameterized by mean and log-variance, as the
/// VAE encoder q(z|x) outputs them.
public struct DiagonalGaussian {
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

    /// z = μ + σ ⊙ ε with ε ~ N(0, I): the reparameterization trick, so gradients reach μ and σ.
    /// - Returns: a sample [N, D] and the noise ε that produced it.
    public func sample(using generator: inout RandomGenerator) -> (z: Tensor, noise: Tensor) {
        let noise = Tensor.normal(mean.shape, using: &generator)
        return (mean + (logVariance * 0.5).exp() * noise, noise)
    }

    /// KL(N(μ, σ²) ‖ N(0, I)) per row, in nats: ½ Σ_d (μ² + σ² − 1 − log σ²). Returns [N].
    public func klDivergenceFromStandardNormal() -> Tensor {
        ((mean.squared() + logVariance.exp() - logVariance - 1) * 0.5).sum(axis: 1)
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
}
