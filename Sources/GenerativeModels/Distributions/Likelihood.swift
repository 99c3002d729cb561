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

    /// The name used in configs and on the command line.
    public var name: String {
        switch self {
        case .bernoulli: "bernoulli"
        case .gaussianFixed: "gaussian"
        case .gaussianLearned: "gaussian-learned"
        }
    }

    /// −log p(x|z) per example, in nats: [N, D] decoder outputs and data → [N].
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
        }
    }

    /// The mean of p(x|z): σ(logits) for Bernoulli, the output itself for Gaussians. [N, D] → [N, D].
    public func mean(decoderOutput: Tensor) -> Tensor {
        self == .bernoulli ? decoderOutput.sigmoid() : decoderOutput
    }
}
