import TensorCore

/// The latent prior p(z): D independent copies of a family's standard member (location 0,
/// scale head 0 — unit variance for the Gaussian, unit scale otherwise).
///
/// Unit scale is not unit variance: the standard Laplace has variance 2, the logistic π²/3, and
/// the standard Gumbel has mean γ ≈ 0.577 and variance π²/6. A decoder absorbs such shifts and
/// scales, and the posterior is measured against whichever prior was chosen.
public struct StandardPrior: Equatable, Sendable {
    public let family: LatentFamily

    public init(_ family: LatentFamily) { self.family = family }

    /// N(0, I), the prior of Kingma & Welling.
    public static let gaussian = StandardPrior(.gaussian)

    /// `count` draws of z, [count, dimension], without gradients: for sampling images.
    public func sample(count: Int, dimension: Int, using generator: inout RandomGenerator) -> Tensor {
        family.distributionType.drawNoise([count, dimension], using: &generator)
    }

    /// log p(z) per row: z is [N, D]; returns [N]. Differentiable in z.
    public func logDensity(_ z: Tensor) -> Tensor { family.distributionType.standardLogDensity(z) }

    /// F⁻¹(p) of one coordinate, p in (0, 1): maps a uniform grid onto the prior, so equal areas of
    /// the prior get equal room in a latent-space manifold (the paper's figure 4).
    public func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "StandardPrior.quantile: p must be in (0, 1), got \(p)")
        return family.distributionType.standardQuantile(p)
    }
}
