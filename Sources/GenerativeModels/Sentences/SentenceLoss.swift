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
        let klPerDimension = posterior.klDivergencePerDimensionFromStandardNormal()   // [N, D]
        let kl = klPerDimension.sum() / count
        let klTerm = freeBits > 0 ? KLTerm(freeBits: freeBits).penalty(perDimension: klPerDimension) : kl
        return SentenceLoss(total: reconstruction + klTerm * beta, reconstruction: reconstruction, kl: kl, beta: beta)
    }
}

extension SentenceVAE: GenerativeModel {
    /// The objective with β(step) and the objective's free bits: "reconstruction" and "kl" per
    /// sentence, or "reconstruction" alone for a language model.
    public func trainingLoss(on batch: SentenceBatch, objective: TrainingObjective, step: Int,
                             using noise: inout RandomGenerator) -> LossBreakdown {
        guard isVariational else {
            let loss = trainingLoss(batch, beta: 1, using: &noise)
            return LossBreakdown(total: loss.total, terms: [("reconstruction", loss.reconstruction)])
        }
        let loss = trainingLoss(batch, beta: objective.kl.beta(atStep: step), freeBits: objective.kl.freeBits, using: &noise)
        return LossBreakdown(total: loss.total, terms: [("reconstruction", loss.reconstruction), ("kl", loss.kl)])
    }
}

/// Training sentences as the one trainer walks them: length-bucketed batches in an order drawn
/// from the epoch's data stream, as the reference trainer batches them.
public struct SentenceTrainingData: TrainingData {
    public let batcher: SentenceBatcher

    public init(_ sentences: [[Int]], batchSize: Int) {
        batcher = SentenceBatcher(sentences: sentences, batchSize: batchSize)
    }

    public var streamSalt: UInt64 { 0x7E47 }

    public func epochBatches(using stream: inout RandomGenerator) -> [[Int]] { batcher.trainingEpoch(using: &stream) }

    public func batch(_ indices: [Int], using stream: inout RandomGenerator) -> SentenceBatch { batcher.batch(indices) }

    /// Rows of a batch padded as the whole batch is, so word dropout draws line up with its draws.
    public func batch(_ indices: [Int], shard: BatchShard, using stream: inout RandomGenerator) -> SentenceBatch {
        batcher.batch(indices, rows: shard.rowRange)
    }

    /// Target tokens: words plus one <eos> per sentence.
    public func counts(of batch: SentenceBatch) -> [String: Int] { ["tokens": batch.targetTokenCount] }
}
