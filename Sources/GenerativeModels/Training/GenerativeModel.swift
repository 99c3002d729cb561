import NN
import TensorCore

/// What every generative model offers the one ``Trainer``: its objective on a batch of its data.
///
/// A model names the terms of its objective itself: a VAE reports "reconstruction" and "kl", an
/// autoencoder "reconstruction" alone, an autoregressive model its exact "nll". The batch type says
/// which data the model trains on: ``ImageBatch`` for image models, `SentenceBatch` for text.
public protocol GenerativeModel<Batch>: Module {
    associatedtype Batch

    /// The objective on one batch.
    ///
    /// - Parameters:
    ///   - objective: the knobs of the training objective (β schedule, free bits, samples of z); a
    ///     model ignores those it has nothing to apply to.
    ///   - step: the optimizer steps taken so far, for schedules.
    ///   - noise: the run's noise stream (ε of the reparameterization, word dropout).
    func trainingLoss(on batch: Batch, objective: TrainingObjective, step: Int,
                      using noise: inout RandomGenerator) -> LossBreakdown
}

/// One batch's objective: the scalar the optimizer minimizes and the terms the figures report.
public struct LossBreakdown {
    /// What training minimizes: a scalar.
    public let total: Tensor
    /// The reported terms, in the model's own names, each a scalar mean per example of the batch.
    public let terms: [(name: String, value: Tensor)]

    public init(total: Tensor, terms: [(name: String, value: Tensor)]) {
        self.total = total
        self.terms = terms
    }
}

/// The knobs of a training objective that are not part of the model itself.
public struct TrainingObjective: Sendable {
    /// The weight of the KL term over training, and its free bits.
    public var kl: KLTerm
    /// L, the samples of z per example in the SGVB estimator.
    public var samples: Int

    public init(kl: KLTerm = KLTerm(), samples: Int = 1) {
        self.kl = kl
        self.samples = samples
    }
}
