import Foundation
import TensorCore

/// The decoder's observation model p(x|z), given the decoder's output for each pixel.
public enum Likelihood: Equatable, Sendable {
    /// Bernoulli with logits: for binary data (or, as a training convenience, intensities in [0, 1]).
    case bernoulli
    /// Gaussian with one fixed variance σ² for every pixel; the decoder outputs the mean.
    case gaussianFixed(variance: Float)
    /// Gaussian with a learned variance per pixel (a parameter, shared across examples).
    case gaussianLearned
    /// PixelCNN++'s discretized mixture of `components` logistics over the 256 levels of each
    /// value, independent across values (and channels) given z; the decoder outputs 3·K numbers
    /// per value: mixture logits, means and log-scales in [−1, 1] units (``Tensor/discretizedLogisticMixtureNegativeLogLikelihood(data:components:)``).
    case discretizedLogisticMixture(components: Int)
    /// A softmax over the 256 levels of each value; the decoder outputs 256 logits per value.
    case categorical

    /// The levels of 8-bit data, which the discrete likelihoods put their mass on.
    public static let levels = 256

    /// The name used in configs and on the command line.
    public var name: String {
        switch self {
        case .bernoulli: "bernoulli"
        case .gaussianFixed: "gaussian"
        case .gaussianLearned: "gaussian-learned"
        case .discretizedLogisticMixture: "logistic-mixture"
        case .categorical: "categorical"
        }
    }

    /// P, the decoder outputs per data value: 1, 3·K for the logistic mixture, 256 for the categorical.
    /// A decoder for D values outputs P·D numbers per example, in P blocks of D.
    public var outputsPerValue: Int {
        switch self {
        case .bernoulli, .gaussianFixed, .gaussianLearned: 1
        case .discretizedLogisticMixture(let components): 3 * components
        case .categorical: Self.levels
        }
    }

    /// Whether p(x|z) is a probability mass over the 256 levels of each value, so that −log p(x)
    /// converts to bits/dim whatever the pixels' handling.
    public var isDiscreteOverLevels: Bool { outputsPerValue > 1 }

    /// −log p(x|z) per example, in nats: [N, P·D] decoder outputs (``outputsPerValue``) and [N, D] data → [N].
    /// - Parameter logVariance: the learned per-pixel log-variance [D], for `.gaussianLearned`.
    public func negativeLogLikelihood(decoderOutput: Tensor, data: Tensor, logVariance: Tensor? = nil) -> Tensor {
        switch self {
        case .bernoulli:
            return decoderOutput.binaryCrossEntropyRowSums(targets: data)
        case .gaussianFixed(let variance):
            let constant = 0.5 * Float(Foundation.log(2 * Double.pi * Double(variance)))
            return ((decoderOutput - data).squared() * (0.5 / variance) + constant).sum(axis: 1)
        case .gaussianLearned:
            guard let logVariance else { preconditionFailure("gaussianLearned needs the decoder's log-variance") }
            let squared = (decoderOutput - data).squared() * (-logVariance).exp()
            return ((squared + logVariance + Float(Foundation.log(2 * Double.pi))) * 0.5).sum(axis: 1)
        case .discretizedLogisticMixture(let components):
            return decoderOutput.discretizedLogisticMixtureNegativeLogLikelihood(data: data, components: components)
        case .categorical:
            return decoderOutput.categoricalLevelsNegativeLogLikelihood(data: data, levels: Self.levels)
        }
    }

    /// The mean of p(x|z) as intensities: σ(logits) for Bernoulli, the output itself for Gaussians,
    /// the mean level over 255 for the discrete likelihoods (``DiscreteLevelMeans``).
    /// [N, P·D] → [N, D]; not differentiated for the discrete likelihoods.
    public func mean(decoderOutput: Tensor) -> Tensor {
        switch self {
        case .bernoulli: decoderOutput.sigmoid()
        case .gaussianFixed, .gaussianLearned: decoderOutput
        case .discretizedLogisticMixture(let components): DiscreteLevelMeans.logisticMixture(decoderOutput, components: components)
        case .categorical: DiscreteLevelMeans.categorical(decoderOutput, levels: Self.levels)
        }
    }
}
