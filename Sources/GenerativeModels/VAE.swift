import Foundation
import NN
import TensorCore

/// The variational autoencoder of Kingma & Welling with MLP encoder and decoder.
///
/// Encoder: x [N, D] → hidden layers → μ [N, latent] and log σ² [N, latent] (two heads, as PyTorch's
/// example has fc21/fc22). Decoder: z [N, latent] → hidden layers → one output per pixel [N, D]
/// (logits for Bernoulli, means for Gaussians). The prior is N(0, I).
public final class VAE: Module {
    public let encoder: Sequential
    public let meanHead: Linear
    public let logVarianceHead: Linear
    public let decoder: Sequential
    /// Per-pixel log σ² for `.gaussianLearned`, else nil.
    public let decoderLogVariance: Tensor?
    public let likelihood: Likelihood
    public let latentDimension: Int
    public let dataDimension: Int

    /// - Parameters:
    ///   - hiddenSizes: widths of the encoder's hidden layers; the decoder mirrors them.
    public init(dataDimension: Int, hiddenSizes: [Int], latentDimension: Int, activation: Activation.Kind = .relu,
                likelihood: Likelihood = .bernoulli, using generator: inout RandomGenerator) {
        precondition(!hiddenSizes.isEmpty, "VAE: at least one hidden layer is needed")
        self.dataDimension = dataDimension
        self.latentDimension = latentDimension
        self.likelihood = likelihood
        encoder = Self.mlp(widths: [dataDimension] + hiddenSizes, activation: activation, using: &generator)
        meanHead = Linear(inputs: hiddenSizes.last!, outputs: latentDimension, using: &generator)
        logVarianceHead = Linear(inputs: hiddenSizes.last!, outputs: latentDimension, using: &generator)
        let decoderWidths = [latentDimension] + hiddenSizes.reversed()
        decoder = Sequential(Self.mlp(widths: decoderWidths, activation: activation, using: &generator).layers
                             + [Linear(inputs: decoderWidths.last!, outputs: dataDimension, using: &generator)])
        decoderLogVariance = likelihood == .gaussianLearned ? Tensor.zeros([dataDimension], requiresGradient: true) : nil
    }

    /// Linear + activation for each consecutive pair of widths.
    static func mlp(widths: [Int], activation: Activation.Kind, using generator: inout RandomGenerator) -> Sequential {
        Sequential(zip(widths, widths.dropFirst()).flatMap { inputs, outputs -> [any Layer] in
            [Linear(inputs: inputs, outputs: outputs, using: &generator), Activation(activation)]
        })
    }

    /// The range the encoder's log σ² is clamped to: σ² from 1e-13 to 5e8. It never binds in
    /// ordinary training; it keeps exp(log σ²) finite when a run diverges.
    public static let encoderLogVarianceRange: ClosedRange<Float> = -30 ... 20

    /// The range of the learned per-pixel decoder log σ²: σ ≥ 0.01. Without a floor, pixels that
    /// are always 0 (Fashion-MNIST's borders) drive σ → 0 and the likelihood to +∞.
    public static let decoderLogVarianceRange: ClosedRange<Float> = -9.21 ... 9.21

    /// q(z|x) for a batch x [N, D].
    public func encode(_ x: Tensor) -> DiagonalGaussian {
        let hidden = encoder(x)
        return DiagonalGaussian(mean: meanHead(hidden),
                                logVariance: logVarianceHead(hidden).clamped(to: Self.encoderLogVarianceRange))
    }

    /// Decoder outputs for latents z [N, latent] → [N, D].
    public func decode(_ z: Tensor) -> Tensor { decoder(z) }

    /// The mean of p(x|z) for latents z [N, latent] → [N, D], as images in [0, 1] for Bernoulli.
    public func decodeMean(_ z: Tensor) -> Tensor { likelihood.mean(decoderOutput: decode(z)) }

    /// −log p(x|z) per example, [N].
    public func reconstructionLoss(decoderOutput: Tensor, data: Tensor) -> Tensor {
        likelihood.negativeLogLikelihood(decoderOutput: decoderOutput, data: data,
                                         logVariance: decoderLogVariance?.clamped(to: Self.decoderLogVarianceRange))
    }

    /// The SGVB estimate of the negative ELBO for a batch x [N, D], with `samples` (L) draws of z per
    /// example and KL weight β. Figures are nats per example.
    public func loss(_ x: Tensor, samples: Int = 1, beta: Float = 1, using generator: inout RandomGenerator) -> VAELoss {
        precondition(x.rank == 2 && x.shape[1] == dataDimension, "VAE.loss: batch \(x.shape) does not match data dimension \(dataDimension)")
        let posterior = encode(x)
        var reconstruction: Tensor?
        for _ in 0..<samples {
            let (z, _) = posterior.sample(using: &generator)
            let term = reconstructionLoss(decoderOutput: decode(z), data: x).mean()
            reconstruction = reconstruction.map { $0 + term } ?? term
        }
        let meanReconstruction = reconstruction! / Float(samples)
        let kl = posterior.klDivergenceFromStandardNormal().mean()
        return VAELoss(reconstruction: meanReconstruction, kl: kl, beta: beta)
    }
}

/// The parts of a VAE objective for one batch, each a scalar in nats per example.
public struct VAELoss {
    /// E_q[−log p(x|z)], estimated with L samples.
    public let reconstruction: Tensor
    /// KL(q(z|x) ‖ p(z)).
    public let kl: Tensor
    /// The weight on the KL term.
    public let beta: Float

    /// reconstruction + β·KL: what training minimizes.
    public var total: Tensor { reconstruction + kl * beta }
    /// The ELBO (β = 1), a negative number: −(reconstruction + KL).
    public var elbo: Float { -(reconstruction.scalar + kl.scalar) }
}
