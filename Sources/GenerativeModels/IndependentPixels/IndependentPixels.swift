import Foundation
import NN
import TensorCore

/// The independent-pixels baseline, p(x) = Π_i p(x_i): every pixel has a distribution of its own
/// that ignores every other pixel. It is the first line of every likelihood table: whatever a
/// model gains over it comes from the dependencies between pixels.
///
/// Colour images have one distribution per sub-pixel (each channel of each pixel).
///
/// The parameters are one set of logits per pixel, [logitsPerPixel, C·H·W]; trained by maximum
/// likelihood they converge to the data's per-pixel frequencies (for a Bernoulli pixel,
/// σ(logit) → the fraction of images where the pixel is on), so the baseline is also the
/// closed-form answer to "how well do marginals alone do".
public final class IndependentPixels: Module {
    /// [logitsPerPixel, C·H·W]: logit k of sub-pixel i (C×H×W order) at [k, i].
    public let logits: Tensor
    public let distribution: PixelDistribution
    public let height: Int, width: Int
    /// 1 (grey) or 3 (R, G, B).
    public let imageChannels: Int
    /// The baseline conditions on nothing.
    public var classes: Int { 0 }

    /// A model whose pixels all start at the uniform distribution (zero logits).
    public init(height: Int, width: Int, distribution: PixelDistribution, imageChannels: Int = 1) {
        precondition(height > 0 && width > 0 && imageChannels > 0,
                     "IndependentPixels: an image of \(imageChannels)×\(height)×\(width) values")
        self.height = height
        self.width = width
        self.imageChannels = imageChannels
        self.distribution = distribution
        let values = imageChannels * height * width
        logits = Tensor(shape: [distribution.logitsPerPixel, values],
                        scalars: [Float](repeating: 0, count: distribution.logitsPerPixel * values), requiresGradient: true)
    }

    /// The logits of `count` images, [count, logitsPerPixel, C·H, W]: the same for every image, the
    /// channel planes stacked as one tall grey image.
    func logits(count: Int) -> Tensor {
        let shape = [count, distribution.logitsPerPixel, imageChannels * height, width]
        return logits.reshaped([1] + shape.dropFirst()).broadcast(to: Shape(shape))
    }
}

extension IndependentPixels: ExactLikelihoodImageModel {
    /// −log p(x) = Σ_i −log p(x_i) of each image: [N, C, H, W] → [N]. The baseline takes no labels.
    public func negativeLogLikelihood(_ images: Tensor, labels: [Int]?) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == imageChannels && images.shape[2] == height && images.shape[3] == width,
                     "IndependentPixels: images \(images.shape) for a model of \(imageChannels)×\(height)×\(width)")
        let count = images.shape[0]
        return distribution.negativeLogLikelihood(logits: logits(count: count),
                                                  images: images.reshaped([count, 1, imageChannels * height, width]))
    }

    /// Every pixel of every image drawn on its own from its distribution, by inverting its CDF at
    /// one uniform per pixel.
    public func sample(count: Int, height: Int, width: Int, labels: [Int]?, using generator: inout RandomGenerator) -> Tensor {
        precondition(height == self.height && width == self.width,
                     "IndependentPixels: images of \(height)×\(width) for a model of \(self.height)×\(self.width)")
        let pixels = imageChannels * height * width
        let uniforms = Tensor.uniform([count * pixels], using: &generator).scalars
        let values = logits.withUnsafeBufferPointer { logits in
            (0..<(count * pixels)).map { index in
                distribution.draw(logits: logits.baseAddress! + index % pixels, stride: pixels, uniform: uniforms[index])
            }
        }
        return Tensor(shape: [count, imageChannels, height, width], scalars: values)
    }
}
