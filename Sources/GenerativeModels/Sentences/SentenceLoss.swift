import Datasets
import TensorCore

/// One batch's objective of a sentence model, with its parts, per sentence (means over the batch).
public struct SentenceLoss {
    /// What the optimizer minimizes: reconstruction + β·(KL, or its free-bits form). Scalar.
    public let total: Tensor
    /// Mean −log p(x|z) per sentence, summed over words and <eos>. Scalar.
    public let reconstruction: Tensor
    /// Mean KL(q(z|x) ‖ p(z)) per sentence, the true KL (0 for a language model). Scalar.
    public let kl: Tensor
    /// The β the KL term was weighted with.
    public let beta: Float
}

extension SentenceVAE {
    /// The training objective on one batch: word dropout on the decoder input, one z ~ q(z|x)
    /// per sentence, then (Σ reconstruction + β·Σ KL) / N.
    ///
    /// Random draws, in order: word dropout (N·(T + 1) uniforms, whenever k < 1), then ε [N, D].
    ///
    /// - Parameters:
    ///   - beta: the KL weight β(t).
    ///   - freeBits: λ ≥ 0 nats per latent dimension; with λ > 0 the KL term is
    ///     Σ_d max(λ, KL_d), KL_d the batch mean of dimension d's KL.
    ///   - generator: the noise stream.
    public func trainingLoss(_ batch: SentenceBatch, beta: Float, freeBits: Float = 0,
                             using generator: inout RandomGenerator) -> SentenceLoss {
        let input = keepRate < 1 ? batch.droppingWords(keepRate: keepRate, using: &generator) : batch
        let count = Float(batch.count)
        guard isVariational else {
            let reconstruction = reconstructionLoss(latent: nil, batch: input).sum() / count
            return SentenceLoss(total: reconstruction, reconstruction: reconstruction, kl: Tensor(0), beta: beta)
        }
        let posterior = encode(batch)
        let (z, _) = posterior.sample(using: &generator)
        let reconstruction = reconstructionLoss(latent: z, batch: input).sum() / count
        let klPerDimension = Self.klPerDimension(posterior)                      // [N, D]
        let kl = klPerDimension.sum() / count
        let klTerm: Tensor
        if freeBits > 0 {
            // max(λ, KL_d) = λ + relu(KL_d − λ): no gradient pushes a dimension below λ.
            klTerm = ((klPerDimension.mean(axis: 0) - freeBits).relu() + freeBits).sum()
        } else {
            klTerm = kl
        }
        return SentenceLoss(total: reconstruction + klTerm * beta, reconstruction: reconstruction, kl: kl, beta: beta)
    }

    /// ½ (μ² + σ² − 1 − log σ²) for every sentence and dimension: [N, D].
    static func klPerDimension(_ posterior: DiagonalGaussian) -> Tensor {
        (posterior.mean.squared() + posterior.logVariance.exp() - posterior.logVariance - 1) * 0.5
    }
}
