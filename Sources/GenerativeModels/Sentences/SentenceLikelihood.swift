import Datasets
import Foundation
import TensorCore

extension SentenceVAE {
    /// The importance-weighted estimate of log p(x) for every sentence (Burda et al. 2016):
    /// log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x), without recording gradients. For a
    /// language model it is the exact log p(x) and K is ignored.
    ///
    /// Work is bounded by `maximumTokensPerPass` decoded target positions per forward pass (the
    /// [M, V] logits are the largest buffer: 4096 × 13,784 floats is 226 MB): sentences are
    /// grouped, and their K samples decoded in chunks merged by a running log-sum-exp in Double.
    ///
    /// - Parameters:
    ///   - sentences: one split, encoded.
    ///   - samples: K ≥ 1.
    ///   - generator: the source of every ε.
    ///   - progress: called with (sentences done, sentences in all) after each group.
    /// - Returns: one estimate per sentence, in the order given (nats, negative).
    public func importanceWeightedLogLikelihood(_ sentences: [[Int]], samples: Int, maximumTokensPerPass: Int = 4096,
                                                using generator: inout RandomGenerator,
                                                progress: (Int, Int) -> Void = { _, _ in }) -> ImportanceWeightedEstimate {
        precondition(samples > 0, "importanceWeightedLogLikelihood: samples must be positive, got \(samples)")
        var perExample: [Double] = []
        perExample.reserveCapacity(sentences.count)
        withoutGradients {
            var start = 0
            while start < sentences.count {
                // As many sentences as fit one pass with all K samples, at least one.
                let cost = isVariational ? samples : 1
                var end = start + 1, longest = sentences[start].count
                while end < sentences.count,
                      cost * (end - start + 1) * (Swift.max(longest, sentences[end].count) + 1) <= maximumTokensPerPass {
                    longest = Swift.max(longest, sentences[end].count)
                    end += 1
                }
                let group = Array(start..<end)
                let batch = SentenceBatch(sentences: sentences, indices: group)
                if isVariational {
                    let chunk = Swift.max(1, Swift.min(samples, maximumTokensPerPass / (group.count * (longest + 1))))
                    perExample += logLikelihoods(batch, samples: samples, chunk: chunk, sentences: sentences, using: &generator)
                } else {
                    perExample += reconstructionLoss(latent: nil, batch: evaluationInput(batch)).scalars.map { -Double($0) }
                }
                progress(end, sentences.count)
                start = end
            }
        }
        return ImportanceWeightedEstimate(samples: isVariational ? samples : 1, perExample: perExample)
    }

    /// log (1/K) Σ_k w_k for each sentence of a batch, drawing the K samples `chunk` at a time.
    func logLikelihoods(_ batch: SentenceBatch, samples: Int, chunk: Int, sentences: [[Int]],
                        using generator: inout RandomGenerator) -> [Double] {
        let posterior = encode(batch)
        var running = [Double](repeating: -.infinity, count: batch.count)
        var drawn = 0
        while drawn < samples {
            let size = Swift.min(chunk, samples - drawn)
            let logWeights = logImportanceWeights(batch, posterior: posterior, samples: size, sentences: sentences, using: &generator)
            for (index, value) in logWeights.logSumExp(axis: 0).scalars.enumerated() {
                running[index] = LogSpace.add(running[index], Double(value))
            }
            drawn += size
        }
        let logK = Foundation.log(Double(samples))
        return running.map { $0 - logK }
    }

    /// log w = log p(x|z) + log p(z) − log q(z|x) for `samples` fresh z ~ q(z|x) per sentence:
    /// [samples, N], row k the k-th draw of every sentence.
    func logImportanceWeights(_ batch: SentenceBatch, posterior: DiagonalGaussian, samples: Int, sentences: [[Int]],
                              using generator: inout RandomGenerator) -> Tensor {
        let rows = batch.count
        // Sample-major rows (k·N + n), so one reshape gives [samples, N].
        let repeated = SentenceBatch(sentences: sentences, indices: Array((0..<samples).map { _ in batch.indices }.joined()))
        func repeatRows(_ matrix: Tensor) -> Tensor {
            let columns = matrix.shape[1]
            return matrix.reshaped([1, rows, columns]).broadcast(to: [samples, rows, columns]).reshaped([samples * rows, columns])
        }
        let proposal = DiagonalGaussian(mean: repeatRows(posterior.mean), logVariance: repeatRows(posterior.logVariance))
        let (z, _) = proposal.sample(using: &generator)
        let logLikelihood = -reconstructionLoss(latent: z, batch: evaluationInput(repeated))
        let logWeights = logLikelihood + DiagonalGaussian.standardNormalLogDensity(z) - proposal.logDensity(z)
        return logWeights.reshaped([samples, rows])
    }
}
