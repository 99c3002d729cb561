import Datasets
import Foundation
import TensorCore

/// The figures of a sentence model on one split, per sentence, as the reference reports them.
public struct SentenceEvaluation: Sendable {
    /// Sentences evaluated.
    public let sentences: Int
    /// Target tokens: words plus one <eos> per sentence.
    public let tokens: Int
    /// Mean −log p(x|z) per sentence, one z ~ q(z|x) each (the exact −log p(x) for a language model).
    public let reconstruction: Double
    /// Mean KL(q(z|x) ‖ p(z)) per sentence; 0 for a language model.
    public let kl: Double
    /// Which latent dimensions carry information (posterior-mean variance above 0.01); nil for a
    /// language model.
    public let activeUnits: ActiveUnits?
    /// I(x; z) under the aggregate posterior, nats; nil for a language model.
    public let mutualInformation: Double?
    /// Mean KL(q(z_d|x) ‖ p(z_d)) per sentence of each latent dimension d, summing to `kl`; nil
    /// for a language model.
    public let klPerDimension: [Double]?

    /// −ELBO per sentence (β = 1): an upper bound on −log p(x), what the reference calls NLL.
    public var nll: Double { reconstruction + kl }
    /// The ELBO per sentence, negative.
    public var elbo: Double { -nll }
    /// exp(Σ NLL / Σ tokens), tokens counting words and <eos>.
    public var perplexity: Double { Foundation.exp(nll * Double(sentences) / Double(Swift.max(tokens, 1))) }
}

extension SentenceVAE {
    /// Evaluates the model on `sentences` without recording gradients: one z ~ q(z|x) per
    /// sentence and β = 1, length-sorted batches as the reference evaluates.
    ///
    /// With a `group`, the processes share every batch by rows as in training (each draws its rows
    /// of the batch's ε), sum their figures and gather the posteriors, so each returns what one
    /// process alone returns, to the order of the sums.
    ///
    /// - Parameters:
    ///   - sentences: one split, encoded.
    ///   - batchSize: sentences per forward pass.
    ///   - generator: the source of ε.
    ///   - group: the processes of a data parallel job that share the evaluation, if any.
    public func evaluate(_ sentences: [[Int]], batchSize: Int = 128, using generator: inout RandomGenerator,
                         across group: (any ProcessGroup)? = nil) -> SentenceEvaluation {
        precondition(!sentences.isEmpty, "SentenceVAE.evaluate: no sentences given")
        let batcher = SentenceBatcher(sentences: sentences, batchSize: batchSize)
        let dimensions = isVariational ? latentDimension : 0
        var sums = PosteriorSums(sentences: sentences.count, dimensions: dimensions)
        withoutGradients {
            var offset = 0   // of the batch's first sentence in evaluation order
            for indices in batcher.evaluationBatches() {
                defer { offset += indices.count }
                let share = group?.share(ofBatch: indices.count) ?? BatchShard(batchRows: indices.count, firstRow: 0, rows: indices.count)
                let computed = share.computedRows   // a process without rows of this batch computes its first, uncounted
                let batch = batcher.batch(indices, rows: computed.rowRange)
                let input = evaluationInput(batch)
                guard isVariational else {
                    if share.rows > 0 { sums.reconstruction += Double(reconstructionLoss(latent: nil, batch: input).sum().scalar) }
                    continue
                }
                let posterior = encode(batch)
                generator.shard = computed
                let (z, _) = posterior.sample(using: &generator)
                generator.shard = nil
                guard share.rows > 0 else { continue }
                sums.add(posterior, reconstruction: reconstructionLoss(latent: z, batch: input), firstRow: offset + share.firstRow)
            }
        }
        if let group { sums.sum(across: group) }
        let count = Double(sentences.count)
        let tokens = EncodedSentences.targetTokenCount(sentences)
        guard isVariational else {
            return SentenceEvaluation(sentences: sentences.count, tokens: tokens, reconstruction: sums.reconstruction / count,
                                      kl: 0, activeUnits: nil, mutualInformation: nil, klPerDimension: nil)
        }
        let (means, logVariances) = (sums.rows(of: sums.means), sums.rows(of: sums.logVariances))
        return SentenceEvaluation(sentences: sentences.count, tokens: tokens, reconstruction: sums.reconstruction / count,
                                  kl: sums.kl / count, activeUnits: LatentStatistics.activeUnits(means: means),
                                  mutualInformation: LatentStatistics.mutualInformation(means: means, logVariances: logVariances,
                                                                                         using: &generator),
                                  klPerDimension: sums.klPerDimension.map { $0 / count })
    }
}

/// Statistics of the posteriors of a data set: active units and mutual information.
enum LatentStatistics {
    /// Dimensions whose posterior mean varies over the data by more than `threshold`
    /// (Burda et al. 2016), with the 1/(N − 1) variance as `VAE.activeUnits` computes it.
    static func activeUnits(means: [[Double]], threshold: Double = 0.01) -> ActiveUnits {
        let count = means.count, dimensions = means.first?.count ?? 0
        guard count > 1 else { return ActiveUnits(threshold: threshold, variances: [Double](repeating: 0, count: dimensions)) }
        var centers = [Double](repeating: 0, count: dimensions)
        for row in means {
            for d in 0..<dimensions { centers[d] += row[d] / Double(count) }
        }
        var variances = [Double](repeating: 0, count: dimensions)
        for row in means {
            for d in 0..<dimensions {
                let deviation = row[d] - centers[d]
                variances[d] += deviation * deviation
            }
        }
        variances = variances.map { $0 / Double(count - 1) }
        return ActiveUnits(threshold: threshold, variances: variances)
    }

    /// I(x; z) = E_x E_q(z|x)[log q(z|x)] − E_q(z)[log q(z)], the estimator of He et al. (2019):
    /// the first term is minus the mean posterior entropy (closed form), the second uses one
    /// z_i ~ q(z|x_i) per sentence and the aggregate posterior q(z) ≈ (1/N) Σ_j q(z|x_j) over the
    /// same N sentences. Costs N²·D, a few tenths of a second for N in the low thousands.
    static func mutualInformation(means: [[Double]], logVariances: [[Double]], using generator: inout RandomGenerator) -> Double {
        let count = means.count
        guard count > 1, let dimensions = means.first?.count else { return 0 }
        let log2π = Foundation.log(2 * Double.pi)
        var noise = [Float](repeating: 0, count: count * dimensions)
        noise.withUnsafeMutableBufferPointer { generator.fillNormal($0) }
        let samples = (0..<count).map { i in
            (0..<dimensions).map { d in means[i][d] + Foundation.exp(0.5 * logVariances[i][d]) * Double(noise[i * dimensions + d]) }
        }
        let precisions = logVariances.map { $0.map { Foundation.exp(-$0) } }
        let normalizers = logVariances.map { row in -0.5 * (row.reduce(0, +) + Double(dimensions) * log2π) }
        var negativeEntropy = 0.0, logAggregate = 0.0
        for i in 0..<count {
            negativeEntropy += -0.5 * (logVariances[i].reduce(0, +) + Double(dimensions) * (log2π + 1))
            var running = -Double.infinity
            for j in 0..<count {
                var squared = 0.0
                for d in 0..<dimensions {
                    let difference = samples[i][d] - means[j][d]
                    squared += difference * difference * precisions[j][d]
                }
                running = LogSpace.add(running, normalizers[j] - 0.5 * squared)
            }
            logAggregate += running - Foundation.log(Double(count))
        }
        return (negativeEntropy - logAggregate) / Double(count)
    }
}
