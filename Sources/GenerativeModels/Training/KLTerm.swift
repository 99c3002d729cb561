import TensorCore

/// The KL term of a latent-variable model's objective, β(t)·KL, with free bits.
///
/// With free bits λ > 0 (Kingma et al. 2016) the term is β·Σ_d max(λ, KL_d), KL_d the batch mean
/// of latent dimension d's KL: the optimizer gains nothing by pushing a dimension below λ nats.
/// Reported KL figures are always the true KL.
public struct KLTerm: Equatable, Sendable {
    /// β over optimizer steps.
    public var schedule: BetaSchedule
    /// λ in nats per latent dimension; 0 turns free bits off.
    public var freeBits: Float

    public init(schedule: BetaSchedule = .constant(1), freeBits: Float = 0) {
        self.schedule = schedule
        self.freeBits = freeBits
    }

    /// β at optimizer step `step`.
    public func beta(atStep step: Int) -> Float { schedule.value(atStep: step) }

    /// The KL part of the objective before β, from the per-example, per-dimension KL [N, D]:
    /// the mean over examples of Σ_d KL_nd, or with free bits Σ_d max(λ, mean_n KL_nd).
    public func penalty(perDimension kl: Tensor) -> Tensor {
        guard freeBits > 0 else { return kl.sum() / Float(kl.shape[0]) }
        // max(λ, KL_d) = λ + relu(KL_d − λ): no gradient pushes a dimension below λ.
        return ((kl.mean(axis: 0) - freeBits).relu() + freeBits).sum()
    }
}
