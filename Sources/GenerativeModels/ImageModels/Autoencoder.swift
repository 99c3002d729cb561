import NN
import TensorCore

/// The plain, deterministic autoencoder: the baseline every VAE is compared with. The same encoder
/// and decoder networks as the VAE, one head to a code z [N, latent] instead of two to a
/// distribution, and no KL term: it minimizes −log p(x|z) at the single point z = f(x).
///
/// It has no prior, so it cannot sample images, and its loss is not a bound on log p(x).
public final class Autoencoder: Module {
    public let encoder: Sequential
    public let codeHead: Linear
    public let decoder: Sequential
    public let likelihood: Likelihood
    public let latentDimension: Int
    public let dataDimension: Int
    public var classCount: Int { 0 }

    /// An autoencoder for single-channel images of `height`×`width` pixels.
    /// - Throws: `ArchitectureError` when the architecture cannot take images of that size.
    public init(architecture: ImageNetworks.Architecture, height: Int, width: Int, latentDimension: Int,
                activation: Activation.Kind = .relu, likelihood: Likelihood = .bernoulli,
                using generator: inout RandomGenerator) throws {
        precondition(likelihood != .gaussianLearned, "Autoencoder: a learned variance has no meaning without a distribution over codes")
        dataDimension = height * width
        self.latentDimension = latentDimension
        self.likelihood = likelihood
        let built = try ImageNetworks.encoder(architecture, height: height, width: width, classCount: 0,
                                              activation: activation, using: &generator)
        encoder = built.body
        codeHead = Linear(inputs: built.headInputs, outputs: latentDimension, using: &generator)
        decoder = try ImageNetworks.decoder(architecture, outputsPerValue: likelihood.outputsPerValue, height: height, width: width,
                                            latentDimension: latentDimension,
                                            classCount: 0, activation: activation, using: &generator)
    }

    /// Codes for images: [N, D] → [N, latent].
    public func encode(_ x: Tensor) -> Tensor { codeHead(encoder(x)) }

    /// −log p(x|z) per example at z = f(x), [N].
    public func reconstructionLoss(_ x: Tensor) -> Tensor {
        likelihood.negativeLogLikelihood(decoderOutput: decoder(encode(x)), data: x)
    }
}

extension Autoencoder: LatentImageModel {
    public var isVariational: Bool { false }

    /// The reconstruction term alone; `samples` and `beta` have nothing to act on. The KL is zero.
    /// The training objective: the mean −log p(x|z) at the code, in nats per example, a scalar.
    public func loss(_ x: Tensor) -> Tensor { reconstructionLoss(x).mean() }

    /// The objective on a batch, reported as "reconstruction". An autoencoder has no KL term and
    /// draws no noise.
    public func trainingLoss(on batch: ImageBatch, objective: TrainingObjective, step: Int,
                             using noise: inout RandomGenerator) -> LossBreakdown {
        let reconstruction = loss(batch.pixels)
        return LossBreakdown(total: reconstruction, terms: [("reconstruction", reconstruction)])
    }

    public func code(_ x: Tensor, labels: Tensor?) -> Tensor { encode(x) }

    public func decodeMean(_ z: Tensor, labels: Tensor?) -> Tensor { likelihood.mean(decoderOutput: decoder(z)) }

    public func evaluateObjective(on data: Tensor, labels: [Int]?, using generator: inout RandomGenerator) -> ObjectiveEstimate {
        RowBatches.validate(data, dataDimension: dataDimension, caller: "Autoencoder.evaluateObjective")
        var total = 0.0
        withoutGradients {
            RowBatches.forEach(of: data, size: 500) { _, batch in
                total += reconstructionLoss(batch).scalars.reduce(0) { $0 + Double($1) }
            }
        }
        return ObjectiveEstimate(reconstruction: total / Double(data.shape[0]), kl: nil, count: data.shape[0])
    }
}
