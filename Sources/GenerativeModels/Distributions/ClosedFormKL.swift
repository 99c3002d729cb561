import Foundation
import TensorCore

/// KL divergences to standard priors assembled from a posterior's entropy and moments.
///
/// KL(q ‖ p) = −H(q) − E_q[log p(z)], and for three of the standard priors E_q[log p(z)] depends
/// on q only through one or two expectations per coordinate:
///
/// - N(0, 1):       −log p(z) = ½ log 2π + ½ z²,  so it needs E[z] and Var[z];
/// - Laplace(0, 1): −log p(z) = log 2 + |z|,      so it needs E|z|;
/// - Gumbel(0, 1):  −log p(z) = z + e^(−z),       so it needs E[z] and E[e^(−z)].
///
/// A family that knows these expectations in closed form (and its entropy) gets a closed-form
/// KL to that prior. The standard logistic prior, −log p(z) = z + 2 log(1 + e^(−z)), has no such
/// expectation for any family here, so KLs to it are always Monte Carlo.
extension ReparameterizedDistribution {
    /// KL(q ‖ N(0, I)) per row: Σ_d [½ log 2π + ½ (Var z_d + (E z_d)²)] − H(q). Returns [N].
    func klToStandardGaussian() -> Tensor {
        let halfLogTwoPi = Float(0.5 * Foundation.log(2 * Double.pi))
        return ((variance + mean.squared()) * 0.5 + halfLogTwoPi).sum(axis: 1) - entropy()
    }

    /// KL(q ‖ Laplace(0, 1)^D) per row: Σ_d [log 2 + E|z_d|] − H(q).
    /// - Parameter absoluteMean: E|z| under q, [N, D].
    func klToStandardLaplace(absoluteMean: Tensor) -> Tensor {
        (absoluteMean + Float(Foundation.log(2.0))).sum(axis: 1) - entropy()
    }

    /// KL(q ‖ Gumbel(0, 1)^D) per row: Σ_d [E z_d + E e^(−z_d)] − H(q).
    /// - Parameter logNegativeExponentialMoment: log E[e^(−z)] under q, [N, D]; passed as a
    ///   logarithm because it is naturally a sum of terms (−μ + log Γ(1 + β), −μ + σ²/2) whose
    ///   exponential is taken once.
    func klToStandardGumbel(logNegativeExponentialMoment: Tensor) -> Tensor {
        (mean + logNegativeExponentialMoment.exp()).sum(axis: 1) - entropy()
    }
}
