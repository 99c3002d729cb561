import Foundation
import TensorCore

/// The importance-weighted estimate of log p(x) (Burda, Grosse & Salakhutdinov, "Importance Weighted
/// Autoencoders", 2016) over a data set, in nats per example.
///
/// For each x: log (1/K) Σ_k w_k with w_k = p(x|z_k) p(z_k) / q(z_k|x) and z_k ~ q(z|x). In
/// expectation it is a lower bound on log p(x) that never falls below the ELBO and tightens as K
/// grows; K = 1 is the single-sample ELBO with a Monte Carlo KL.
public struct ImportanceWeightedEstimate: Sendable {
    /// K, the importance samples per example.
    public let samples: Int
    /// The estimate for each example, in data-set order: N values (nats, negative for discrete data).
    public let perExample: [Double]

    /// Number of examples N.
    public var count: Int { perExample.count }
    /// The mean estimated log-likelihood, nats per example (negative for discrete data).
    public var logLikelihood: Double { perExample.reduce(0, +) / Double(perExample.count) }
}

extension VAE {
    /// Estimates log p(x) for every example of a data set by importance sampling from q(z|x),
    /// without recording gradients.
    ///
    /// Memory stays bounded whatever K is: the K samples are drawn in chunks of `sampleChunkSize`,
    /// each chunk's log-weights are reduced by a log-sum-exp with the maximum subtracted, and the
    /// chunk results are merged into a running log-sum-exp in Double. A forward pass decodes at
    /// most `maximumRowsPerPass` latents (examples × chunk), so for D = 784 the largest buffers are
    /// about `maximumRowsPerPass`·D floats (16 MB at the default) even for K = 5000.
    ///
    /// - Parameters:
    ///   - data: [N, D] with D = `dataDimension`.
    ///   - labels: the N class labels, for a conditional model (nil for an unconditional one).
    ///   - samples: K ≥ 1.
    ///   - sampleChunkSize: samples of z decoded together per example.
    ///   - maximumRowsPerPass: bound on examples × chunk rows per forward pass; examples are taken
    ///     max(1, maximumRowsPerPass / chunk) at a time.
    ///   - generator: the source of every ε.
    ///   - progress: called with (examples done, examples in all) after each pass, for long runs.
    public func importanceWeightedLogLikelihood(on data: Tensor, labels: [Int]? = nil, samples: Int, sampleChunkSize: Int = 100,
                                                maximumRowsPerPass: Int = 5000,
                                                using generator: inout RandomGenerator,
                                                progress: (Int, Int) -> Void = { _, _ in }) -> ImportanceWeightedEstimate {
        RowBatches.validate(data, dataDimension: dataDimension, caller: "importanceWeightedLogLikelihood")
        precondition(samples > 0, "importanceWeightedLogLikelihood: samples must be positive, got \(samples)")
        precondition(sampleChunkSize > 0, "importanceWeightedLogLikelihood: sampleChunkSize must be positive")
        let chunk = Swift.min(sampleChunkSize, samples)
        let examplesPerPass = Swift.max(1, maximumRowsPerPass / chunk)
        var perExample: [Double] = []
        perExample.reserveCapacity(data.shape[0])
        withoutGradients {
            RowBatches.forEach(of: data, size: examplesPerPass) { rows, batch in
                let condition = ConditionalInput.oneHot(labels, rows: rows, classCount: classCount)
                perExample += importanceWeightedLogLikelihoods(batch, labels: condition, samples: samples, chunk: chunk, using: &generator)
                progress(perExample.count, data.shape[0])
            }
        }
        return ImportanceWeightedEstimate(samples: samples, perExample: perExample)
    }

    /// log (1/K) Σ_k w_k for each example of a batch x [B, D], drawing the K samples `chunk` at a time.
    func importanceWeightedLogLikelihoods(_ x: Tensor, labels: Tensor?, samples: Int, chunk: Int,
                                          using generator: inout RandomGenerator) -> [Double] {
        let posterior = encode(x, labels: labels)
        var running = [Double](repeating: -.infinity, count: x.shape[0])
        var drawn = 0
        while drawn < samples {
            let size = Swift.min(chunk, samples - drawn)
            let chunkLogSumExp = logImportanceWeights(x, labels: labels, posterior: posterior, samples: size, using: &generator)
                .logSumExp(axis: 0)
            for (index, value) in chunkLogSumExp.scalars.enumerated() {
                running[index] = LogSpace.add(running[index], Double(value))
            }
            drawn += size
        }
        let logK = Foundation.log(Double(samples))
        return running.map { $0 - logK }
    }

    /// log w = log p(x|z) + log p(z) − log q(z|x) for `samples` fresh draws z ~ q(z|x) per example.
    ///
    /// - Parameters:
    ///   - x: [B, D].
    ///   - posterior: q(z|x) for that batch, [B, latent].
    /// - Returns: [samples, B]; row k holds the k-th draw for every example.
    func logImportanceWeights(_ x: Tensor, labels: Tensor? = nil, posterior: any ReparameterizedDistribution, samples: Int,
                              using generator: inout RandomGenerator) -> Tensor {
        let batch = x.shape[0]
        // Sample-major rows (k·B + b), so that one reshape gives [samples, B] at the end.
        let repeated = posterior.mappingParameters { Self.repeatRows($0, times: samples) }
        let (z, _) = repeated.sample(using: &generator)
        let logLikelihood = -reconstructionLoss(decoderOutput: decode(z, labels: labels.map { Self.repeatRows($0, times: samples) }),
                                                 data: Self.repeatRows(x, times: samples))
        let logWeights = logLikelihood + prior.logDensity(z) - repeated.logDensity(z)
        return logWeights.reshaped([samples, batch])
    }

    /// [B, F] → [times·B, F]: the whole matrix stacked `times` times.
    static func repeatRows(_ matrix: Tensor, times: Int) -> Tensor {
        let rows = matrix.shape[0], columns = matrix.shape[1]
        return matrix.reshaped([1, rows, columns]).broadcast(to: [times, rows, columns]).reshaped([times * rows, columns])
    }
}

/// Arithmetic on numbers stored as their logarithms.
enum LogSpace {
    /// log(eᵃ + eᵇ), exact when either is −∞ and free of overflow: the larger is factored out.
    static func add(_ a: Double, _ b: Double) -> Double {
        let larger = Swift.max(a, b), smaller = Swift.min(a, b)
        guard larger > -.infinity else { return -.infinity }
        return larger + Foundation.log1p(Foundation.exp(smaller - larger))
    }
}
