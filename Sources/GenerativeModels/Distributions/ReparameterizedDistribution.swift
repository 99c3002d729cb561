import TensorCore

/// A batch of N factorized distributions over D-dimensional latents, sampled by the
/// reparameterization trick of Kingma & Welling (§2.4): z = g(ε, φ) with noise ε drawn from a
/// fixed, parameter-free distribution, so that gradients of any function of z reach the
/// parameters φ through g.
///
/// Every family is described by two tensors of the same shape [N, D] — a location and a
/// "scale head" (log σ² for the Gaussian, log of the scale parameter otherwise) — so one
/// encoder with two linear heads serves every family. The D coordinates of a row are independent,
/// so densities and KLs are sums over the columns.
///
/// The noise ε is a draw of the family's *standard member* (location 0, scale head 0). That
/// member is also the latent prior (see ``StandardPrior``), so drawing the noise and drawing
/// from the prior are the same operation.
public protocol ReparameterizedDistribution {
    /// The family's name, the key used in configurations and for choosing KL formulas.
    static var family: LatentFamily { get }

    /// Builds the distributions from the encoder's two heads, both [N, D] and of equal shape.
    /// No clamping here: see ``LatentFamily/posterior(location:scaleHead:)`` for that.
    init(location: Tensor, scaleHead: Tensor)

    /// [N, D]: the location parameter μ (the mean for symmetric families, not for Gumbel).
    var location: Tensor { get }
    /// [N, D]: the second head in the family's own parameterization (log σ² or log scale).
    var scaleHead: Tensor { get }

    /// ε of the given shape ([N, D]) from the standard member of the family, without gradients.
    static func drawNoise(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor

    /// g(ε, φ): maps noise ε [N, D] (as ``drawNoise(_:using:)`` makes) to samples z [N, D],
    /// differentiably in the parameters.
    func reparameterize(_ noise: Tensor) -> Tensor

    /// z = g(ε, φ) with fresh ε. Returns the sample [N, D] and the noise [N, D] that produced it.
    func sample(using generator: inout RandomGenerator) -> (z: Tensor, noise: Tensor)

    /// log q(z) per row, in nats: z is [N, D]; returns [N].
    func logDensity(_ z: Tensor) -> Tensor

    /// log density of the standard member per row: z is [N, D]; returns [N].
    static func standardLogDensity(_ z: Tensor) -> Tensor

    /// F⁻¹(p) of the standard member, for p in (0, 1): draws noise by inversion where no better
    /// sampler exists, and maps a uniform grid onto the prior for latent-space manifolds.
    static func standardQuantile(_ p: Double) -> Double

    /// E[z], [N, D].
    var mean: Tensor { get }
    /// Var[z], [N, D].
    var variance: Tensor { get }
    /// The differential entropy −E[log q(z)] per row, [N].
    func entropy() -> Tensor

    /// KL(self ‖ prior) per row [N] in closed form, or nil when this pair has none here.
    /// ``LatentFamily/hasAnalyticKL(toStandard:)`` says which pairs have one.
    func analyticKLDivergence(toStandard prior: LatentFamily) -> Tensor?
}

extension ReparameterizedDistribution {
    /// The family of this batch.
    public var family: LatentFamily { Self.family }

    /// N rows of D coordinates.
    public var shape: Shape { location.shape }

    public func sample(using generator: inout RandomGenerator) -> (z: Tensor, noise: Tensor) {
        let noise = Self.drawNoise(location.shape, using: &generator)
        return (reparameterize(noise), noise)
    }

    /// KL(self ‖ prior) per row, in nats: [N].
    ///
    /// In closed form when the pair has one (then `z` is not used); otherwise the one-sample Monte
    /// Carlo estimate log q(z) − log p(z) at the given samples z [N, D], which should be draws
    /// from `self` made by ``sample(using:)`` so that gradients flow through them. With L samples
    /// per row, call it once per sample and average, as the SGVB estimator does.
    public func klDivergence(to prior: StandardPrior, at z: Tensor) -> Tensor {
        analyticKLDivergence(toStandard: prior.family) ?? monteCarloKLDivergence(to: prior, at: z)
    }

    /// log q(z) − log p(z) per row, [N]: an unbiased estimate of KL(self ‖ prior) when z [N, D]
    /// is drawn from `self`, whether or not a closed form exists.
    public func monteCarloKLDivergence(to prior: StandardPrior, at z: Tensor) -> Tensor {
        precondition(z.shape == location.shape,
                     "\(Self.self).monteCarloKLDivergence: samples \(z.shape) do not match parameters \(location.shape)")
        return logDensity(z) - prior.logDensity(z)
    }

    /// The same family with both parameter tensors transformed, e.g. rows repeated K times for
    /// the importance-weighted estimator, or a slice of the batch.
    public func mappingParameters(_ transform: (Tensor) -> Tensor) -> Self {
        Self(location: transform(location), scaleHead: transform(scaleHead))
    }
}
