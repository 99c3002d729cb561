import Foundation
import NN
import TensorCore

/// The variational autoencoder of Kingma & Welling, with MLP or convolutional networks, and its
/// conditional form p(x|y, z) q(z|y, x) (Sohn et al.) when `classCount` > 0.
///
/// Encoder: x [N, D] (⊕ y) → features → location μ [N, latent] and a scale head [N, latent] (two
/// heads, as PyTorch's example has fc21/fc22), the parameters of q(z|x) in a chosen reparameterizable
/// family (diagonal Gaussian by default, whose scale head is log σ²). Decoder: z [N, latent] ⊕ y →
/// the likelihood's outputs for every value [N, P·D] (logits for Bernoulli, means for Gaussians,
/// 3·K mixture parameters or 256 logits per value for the discrete likelihoods). D = C·H·W: colour
/// images are their R, G, B planes. The prior is a standard
/// member of a chosen family, N(0, I) by default. Labels y are one-hot [N, C].
public final class VAE: Module {
    public let encoder: Sequential
    public let meanHead: Linear
    /// log σ² for a Gaussian posterior, the log of the scale for the other families.
    public let scaleHead: Linear
    public let decoder: Sequential
    /// Per-pixel log σ² for `.gaussianLearned`, else nil.
    public let decoderLogVariance: Tensor?
    public let likelihood: Likelihood
    public let latentDimension: Int
    /// D, the values of an image: channels · height · width.
    public let dataDimension: Int
    /// 1 for grey images, 3 for colour (R, G, B planes).
    public let imageChannels: Int
    /// C, the classes a conditional model takes; 0 for an unconditional one.
    public let classCount: Int
    /// The family of q(z|x).
    public let posteriorFamily: LatentFamily
    /// p(z), a standard member of its family.
    public let prior: StandardPrior
    let labelJoinsInput: Bool

    /// A model for images of `imageChannels` planes of `height`×`width` pixels.
    /// - Throws: `ArchitectureError` when the architecture cannot take images of that size.
    public init(architecture: ImageNetworks.Architecture, imageChannels: Int = 1, height: Int, width: Int, latentDimension: Int, classCount: Int = 0,
                activation: Activation.Kind = .relu, likelihood: Likelihood = .bernoulli,
                posterior: LatentFamily = .gaussian, prior: LatentFamily = .gaussian,
                using generator: inout RandomGenerator) throws {
        dataDimension = imageChannels * height * width
        self.imageChannels = imageChannels
        posteriorFamily = posterior
        self.prior = StandardPrior(prior)
        self.latentDimension = latentDimension
        self.classCount = classCount
        self.likelihood = likelihood
        let built = try ImageNetworks.encoder(architecture, imageChannels: imageChannels, height: height, width: width, classCount: classCount,
                                              activation: activation, using: &generator)
        encoder = built.body
        labelJoinsInput = built.labelJoinsInput
        meanHead = Linear(inputs: built.headInputs, outputs: latentDimension, using: &generator)
        scaleHead = Linear(inputs: built.headInputs, outputs: latentDimension, using: &generator)
        decoder = try ImageNetworks.decoder(architecture, imageChannels: imageChannels, outputsPerValue: likelihood.outputsPerValue,
                                            height: height, width: width, latentDimension: latentDimension,
                                            classCount: classCount, activation: activation, using: &generator)
        decoderLogVariance = likelihood == .gaussianLearned ? Tensor.zeros([dataDimension], requiresGradient: true) : nil
    }

    /// An unconditional MLP VAE on rows of `dataDimension` values.
    /// - Parameters:
    ///   - hiddenSizes: widths of the encoder's hidden layers; the decoder mirrors them.
    public convenience init(dataDimension: Int, hiddenSizes: [Int], latentDimension: Int, activation: Activation.Kind = .relu,
                            likelihood: Likelihood = .bernoulli, using generator: inout RandomGenerator) {
        precondition(!hiddenSizes.isEmpty, "VAE: at least one hidden layer is needed")
        // An MLP takes any row length, so this cannot throw.
        try! self.init(architecture: .mlp(hiddenSizes: hiddenSizes), height: 1, width: dataDimension,
                       latentDimension: latentDimension, activation: activation, likelihood: likelihood, using: &generator)
    }

    /// The range of the learned per-pixel decoder log σ²: σ ≥ 0.01. Without a floor, pixels that
    /// are always 0 (Fashion-MNIST's borders) drive σ → 0 and the likelihood to +∞.
    public static let decoderLogVarianceRange: ClosedRange<Float> = -9.21 ... 9.21

    /// q(z|x) (or q(z|x, y)) for a batch x [N, D] with one-hot labels [N, C] for a conditional model.
    /// The scale head is clamped to the family's range (for the Gaussian, σ² from 1e-13 to 5e8): it
    /// never binds in ordinary training and keeps exp(scale head) finite when a run diverges.
    public func encode(_ x: Tensor, labels: Tensor? = nil) -> any ReparameterizedDistribution {
        let hidden = ConditionalInput.encoderFeatures(encoder, x, labels: labels, classCount: classCount, labelJoinsInput: labelJoinsInput)
        return posteriorFamily.posterior(location: meanHead(hidden), scaleHead: scaleHead(hidden))
    }

    /// KL(q ‖ p) per example [N]: in closed form where the pair of families has one, else the
    /// one-sample Monte Carlo estimate log q(z) − log p(z) at the sample z [N, latent].
    public func klDivergence(_ posterior: any ReparameterizedDistribution, at z: Tensor) -> Tensor {
        posterior.klDivergence(to: prior, at: z)
    }

    /// True when the KL term is computed in closed form, false when it is estimated from samples.
    public var hasAnalyticKL: Bool { posteriorFamily.hasAnalyticKL(toStandard: prior.family) }

    /// Decoder outputs for latents z [N, latent] (and labels [N, C]) → [N, P·D] (``Likelihood/outputsPerValue``).
    public func decode(_ z: Tensor, labels: Tensor? = nil) -> Tensor {
        decoder(ConditionalInput.joined(z, labels: labels, classCount: classCount))
    }

    /// The mean of p(x|z) for latents z [N, latent] → [N, D], as images in [0, 1] for Bernoulli and
    /// the discrete likelihoods.
    public func decodeMean(_ z: Tensor, labels: Tensor? = nil) -> Tensor {
        likelihood.mean(decoderOutput: decode(z, labels: labels))
    }

    /// −log p(x|z) per example, [N].
    public func reconstructionLoss(decoderOutput: Tensor, data: Tensor) -> Tensor {
        likelihood.negativeLogLikelihood(decoderOutput: decoderOutput, data: data,
                                         logVariance: decoderLogVariance?.clamped(to: Self.decoderLogVarianceRange))
    }

    /// The SGVB estimate of the negative ELBO for a batch x [N, D] (labels [N, C] for a conditional
    /// model), with `samples` (L) draws of z per example and KL weight β. Figures are nats per example.
    ///
    /// With `freeBits` λ > 0 the KL part of the objective is Σ_d max(λ, mean KL_d) (``KLTerm``); the
    /// reported KL stays the true one. Free bits need the KL per latent dimension in closed form,
    /// which the Gaussian posterior has against the Gaussian prior (``supportsFreeBits``).
    public func loss(_ x: Tensor, labels: Tensor? = nil, samples: Int = 1, beta: Float = 1, freeBits: Float = 0,
                     using generator: inout RandomGenerator) -> VAELoss {
        precondition(x.rank == 2 && x.shape[1] == dataDimension, "VAE.loss: batch \(x.shape) does not match data dimension \(dataDimension)")
        let posterior = encode(x, labels: labels)
        var reconstruction: Tensor?, sampledKL: Tensor?
        for _ in 0..<samples {
            let (z, _) = posterior.sample(using: &generator)
            let term = reconstructionLoss(decoderOutput: decode(z, labels: labels), data: x).mean()
            reconstruction = reconstruction.map { $0 + term } ?? term
            if !hasAnalyticKL {
                let klTerm = klDivergence(posterior, at: z).mean()
                sampledKL = sampledKL.map { $0 + klTerm } ?? klTerm
            }
        }
        let meanReconstruction = reconstruction! / Float(samples)
        let kl = sampledKL.map { $0 / Float(samples) } ?? posterior.analyticKLDivergence(toStandard: prior.family)!.mean()
        guard freeBits > 0 else { return VAELoss(reconstruction: meanReconstruction, kl: kl, beta: beta) }
        guard supportsFreeBits, let gaussian = posterior as? DiagonalGaussian else {
            preconditionFailure("VAE.loss: free bits need a Gaussian posterior and prior, not \(posteriorFamily) and \(prior.family)")
        }
        let penalty = KLTerm(freeBits: freeBits).penalty(perDimension: gaussian.klDivergencePerDimensionFromStandardNormal())
        return VAELoss(reconstruction: meanReconstruction, kl: kl, beta: beta, klPenalty: penalty)
    }

    /// Whether free bits apply: the Gaussian posterior against the Gaussian prior, whose KL per
    /// latent dimension has a closed form.
    public var supportsFreeBits: Bool { posteriorFamily == .gaussian && prior.family == .gaussian }
}

/// The parts of a VAE objective for one batch, each a scalar in nats per example.
public struct VAELoss {
    /// E_q[−log p(x|z)], estimated with L samples.
    public let reconstruction: Tensor
    /// KL(q(z|x) ‖ p(z)).
    public let kl: Tensor
    /// The weight on the KL term.
    public let beta: Float
    /// What β weighs in the objective: the KL itself, or its free-bits form.
    public let klPenalty: Tensor

    public init(reconstruction: Tensor, kl: Tensor, beta: Float, klPenalty: Tensor? = nil) {
        self.reconstruction = reconstruction
        self.kl = kl
        self.beta = beta
        self.klPenalty = klPenalty ?? kl
    }

    /// reconstruction + β·(KL or its free-bits form): what training minimizes.
    public var total: Tensor { reconstruction + klPenalty * beta }
    /// The ELBO (β = 1), a negative number: −(reconstruction + KL).
    public var elbo: Float { -(reconstruction.scalar + kl.scalar) }
}
