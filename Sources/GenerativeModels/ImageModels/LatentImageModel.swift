import NN
import TensorCore

/// What the training loop and the commands need of an image model with a latent code: the VAE (and
/// conditional VAE) and the plain autoencoder.
///
/// Images are rows x [N, D]; a conditional model also takes one-hot labels [N, C] (nil otherwise).
public protocol LatentImageModel: GenerativeModel where Batch == ImageBatch {
    /// D, the pixels of an image.
    var dataDimension: Int { get }
    var latentDimension: Int { get }
    /// C, the classes a conditional model takes; 0 for an unconditional one.
    var classCount: Int { get }
    var likelihood: Likelihood { get }
    /// True when the model has a prior to sample from and a KL term (a VAE), false for an autoencoder.
    var isVariational: Bool { get }

    /// The code of each image, [N, D] → [N, latent]: the posterior mean for a VAE.
    func code(_ x: Tensor, labels: Tensor?) -> Tensor

    /// Images for codes, [N, latent] → [N, D]: the mean of p(x|z) (intensities in [0, 1] for Bernoulli).
    func decodeMean(_ z: Tensor, labels: Tensor?) -> Tensor

    /// The objective on a whole data set, evaluated in batches without gradients.
    func evaluateObjective(on data: Tensor, labels: [Int]?, using generator: inout RandomGenerator) -> ObjectiveEstimate
}

/// A model's objective over a data set, per example.
public struct ObjectiveEstimate: Sendable {
    /// Mean −log p(x|z) in nats.
    public let reconstruction: Double
    /// Mean KL(q(z|x) ‖ p(z)) in nats; nil for an autoencoder, whose code is a point.
    public let kl: Double?
    public let count: Int
    /// Mean KL of each latent dimension in nats, summing to `kl`; nil for an autoencoder, or when
    /// the figures come from training sums that keep only the total.
    public let klPerDimension: [Double]?

    public init(reconstruction: Double, kl: Double?, count: Int, klPerDimension: [Double]? = nil) {
        self.reconstruction = reconstruction
        self.kl = kl
        self.count = count
        self.klPerDimension = klPerDimension
    }

    /// The ELBO, −(reconstruction + KL); nil for an autoencoder, which has no bound on log p(x).
    public var elbo: Double? { kl.map { -(reconstruction + $0) } }
}

extension VAE: LatentImageModel {
    public var isVariational: Bool { true }

    /// The SGVB estimate of −ELBO with β(step) on the KL term: "reconstruction" and "kl" per example.
    public func trainingLoss(on batch: ImageBatch, objective: TrainingObjective, step: Int,
                             using noise: inout RandomGenerator) -> LossBreakdown {
        let loss = loss(batch.pixels, labels: oneHotLabels(batch.labels, rows: 0..<batch.count), samples: objective.samples,
                        beta: objective.kl.beta(atStep: step), freeBits: objective.kl.freeBits, using: &noise)
        return LossBreakdown(total: loss.total, terms: [("reconstruction", loss.reconstruction), ("kl", loss.kl)])
    }

    public func code(_ x: Tensor, labels: Tensor?) -> Tensor { encode(x, labels: labels).mean }

    public func evaluateObjective(on data: Tensor, labels: [Int]?, using generator: inout RandomGenerator) -> ObjectiveEstimate {
        let estimate = evaluateELBO(on: data, labels: labels, using: &generator)
        return ObjectiveEstimate(reconstruction: estimate.reconstruction, kl: estimate.kl, count: estimate.count,
                                 klPerDimension: estimate.klPerDimension)
    }
}

extension LatentImageModel {
    /// One-hot labels [rows.count, C] for a conditional model, nil otherwise.
    public func oneHotLabels(_ labels: [Int]?, rows: Range<Int>) -> Tensor? {
        ConditionalInput.oneHot(labels, rows: rows, classCount: classCount)
    }
}
