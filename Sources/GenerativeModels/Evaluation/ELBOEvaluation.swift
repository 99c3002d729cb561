import TensorCore

/// The evidence lower bound of a VAE over a whole data set, in nats per example.
///
/// Reconstruction is the Monte Carlo estimate of E_q[−log p(x|z)] with L samples per example; KL is
/// the analytic KL(q(z|x) ‖ N(0, I)). Means are accumulated in Double so that 10⁴ examples of a few
/// hundred nats each lose nothing to Float32 rounding.
public struct ELBOEstimate: Sendable {
    /// Mean over examples of E_q[−log p(x|z)], nats per example (positive for discrete data).
    public let reconstruction: Double
    /// Mean over examples of KL(q(z|x) ‖ p(z)), nats per example (≥ 0).
    public let kl: Double
    /// Samples L of z drawn per example for the reconstruction term.
    public let samples: Int
    /// The ELBO of each example, −(reconstruction + KL), in data-set order: N values.
    public let perExample: [Double]
    /// Mean KL(q(z_d|x) ‖ p(z_d)) per example of each latent dimension d, nats: D values that sum
    /// to `kl`. Near zero for an inactive unit.
    public let klPerDimension: [Double]

    /// Number of examples N.
    public var count: Int { perExample.count }
    /// The mean ELBO, −(reconstruction + KL): a negative number for discrete data. "Loss" is its negation.
    public var elbo: Double { -(reconstruction + kl) }
}

extension VAE {
    /// Estimates the ELBO over a data set, batch by batch, without recording gradients.
    ///
    /// - Parameters:
    ///   - data: [N, D] with D = `dataDimension`, e.g. images scaled to [0, 1] and flattened.
    ///   - labels: the N class labels, for a conditional model (nil for an unconditional one).
    ///   - samples: L, draws of z ~ q(z|x) per example for the reconstruction term (1 is the
    ///     SGVB default; more lowers the estimator's variance, not its expectation).
    ///   - batchSize: examples per forward pass; bounds memory at about batchSize·L·D floats.
    ///   - generator: the source of every ε, so the same seed gives the same figure.
    /// - Returns: mean reconstruction, mean KL and the ELBO, each in nats per example, and the
    ///   per-example ELBO values.
    public func evaluateELBO(on data: Tensor, labels: [Int]? = nil, samples: Int = 1, batchSize: Int = 500,
                             using generator: inout RandomGenerator) -> ELBOEstimate {
        RowBatches.validate(data, dataDimension: dataDimension, caller: "evaluateELBO")
        precondition(samples > 0, "evaluateELBO: samples must be positive, got \(samples)")
        var reconstructionTotal = 0.0, klTotal = 0.0
        var klSums = [Double](repeating: 0, count: latentDimension)
        var perExample: [Double] = []
        perExample.reserveCapacity(data.shape[0])
        withoutGradients {
            RowBatches.forEach(of: data, size: batchSize) { rows, batch in
                let condition = ConditionalInput.oneHot(labels, rows: rows, classCount: classCount)
                let (reconstruction, kl, klPerDimension) = elboTerms(batch, labels: condition, samples: samples, using: &generator)
                for dimension in klSums.indices { klSums[dimension] += klPerDimension[dimension] }
                for (r, k) in zip(reconstruction.scalars, kl.scalars) {
                    reconstructionTotal += Double(r)
                    klTotal += Double(k)
                    perExample.append(-(Double(r) + Double(k)))
                }
            }
        }
        let count = Double(perExample.count)
        return ELBOEstimate(reconstruction: reconstructionTotal / count, kl: klTotal / count,
                            samples: samples, perExample: perExample, klPerDimension: klSums.map { $0 / count })
    }

    /// The two ELBO terms for each example of a batch x [B, D]: the L-sample mean of −log p(x|z) [B]
    /// and KL(q(z|x) ‖ p(z)) [B], analytic where a closed form exists and the L-sample Monte Carlo
    /// estimate otherwise; and the batch's KL summed over its examples for each latent dimension,
    /// estimated the same way from the same samples.
    func elboTerms(_ x: Tensor, labels: Tensor?, samples: Int,
                   using generator: inout RandomGenerator) -> (reconstruction: Tensor, kl: Tensor, klPerDimension: [Double]) {
        let posterior = encode(x, labels: labels)
        var total: Tensor?, sampledKL: Tensor?
        var sampledPerDimension = [Double](repeating: 0, count: latentDimension)
        for _ in 0..<samples {
            let (z, _) = posterior.sample(using: &generator)
            let term = reconstructionLoss(decoderOutput: decode(z, labels: labels), data: x)
            total = total.map { $0 + term } ?? term
            if !hasAnalyticKL {
                let klTerm = klDivergence(posterior, at: z)
                sampledKL = sampledKL.map { $0 + klTerm } ?? klTerm
                let perDimension = posterior.klDivergenceSumsPerDimension(to: prior, at: z)
                for dimension in perDimension.indices { sampledPerDimension[dimension] += perDimension[dimension] / Double(samples) }
            }
        }
        guard let sampledKL else {
            let kl = posterior.analyticKLDivergence(toStandard: prior.family)!
            return (total! / Float(samples), kl, posterior.klDivergenceSumsPerDimension(to: prior, at: nil))
        }
        return (total! / Float(samples), sampledKL / Float(samples), sampledPerDimension)
    }
}
