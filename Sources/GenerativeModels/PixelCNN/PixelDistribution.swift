import Foundation
import TensorCore

/// The distribution of one pixel given the pixels before it, as an autoregressive image model
/// outputs it: a Bernoulli for binary images, or a categorical over grey levels.
///
/// Images are [N, 1, H, W] tensors with values in [0, 1]: 0 or 1 for a Bernoulli, k/(L − 1) for
/// grey level k of L under a categorical. The same tensor is the network's input and the data
/// whose likelihood it gives, and for L = 2 the two representations coincide. Colour images are
/// [N, 3, H, W], and each sub-pixel (a channel's value at a pixel) has a distribution of its own:
/// logits [N, 3·L, H, W], channel c·L + k for value k of colour channel c, as the PyTorch
/// reference lays them out.
public enum PixelDistribution: Equatable, Sendable, CustomStringConvertible {
    /// One logit per pixel: p(x = 1) = σ(logit).
    case bernoulli
    /// `levels` logits per pixel, a softmax over grey levels 0..<levels.
    case categorical(levels: Int)

    /// Output channels of the network: logits per pixel.
    public var logitsPerPixel: Int {
        switch self {
        case .bernoulli: 1
        case .categorical(let levels): levels
        }
    }

    public var description: String {
        switch self {
        case .bernoulli: "Bernoulli"
        case .categorical(let levels): "categorical over \(levels) levels"
        }
    }

    /// −log p(x) of each image in nats, summed over its pixels (and channels): [N].
    ///
    /// - Parameters:
    ///   - logits: [N, C·logitsPerPixel, H, W], the logits of channel c in channels
    ///     c·logitsPerPixel..<(c + 1)·logitsPerPixel.
    ///   - images: [N, C, H, W] in this distribution's representation, C = 1 (grey) or 3 (colour).
    public func negativeLogLikelihood(logits: Tensor, images: Tensor) -> Tensor {
        let count = images.shape[0], channels = images.shape[1], pixels = images.shape[2] * images.shape[3]
        precondition(logits.shape == [count, channels * logitsPerPixel, images.shape[2], images.shape[3]],
                     "negativeLogLikelihood: logits \(logits.shape) do not fit images \(images.shape) under a \(self) distribution")
        if channels > 1 {
            // [N, C·L, H, W] is [N·C, L, H, W] in memory: each channel plane is an image of its own.
            let planes = [count * channels, 1, images.shape[2], images.shape[3]]
            return negativeLogLikelihood(logits: logits.reshaped([count * channels, logitsPerPixel, planes[2], planes[3]]),
                                         images: images.reshaped(planes)).reshaped([count, channels]).sum(axis: 1)
        }
        switch self {
        case .bernoulli:
            return logits.reshaped([count, pixels]).binaryCrossEntropyRowSums(targets: images.reshaped([count, pixels]))
        case .categorical(let levels):
            // The levels of a pixel lie a plane apart: the softmax runs along the channel axis.
            return logits.reshaped([count, levels, pixels])
                .crossEntropyAlongChannels(labels: self.levels(of: images)).sum(axis: 1)
        }
    }

    /// The grey level of every pixel of `images`, in memory order. Values are rounded to the nearest
    /// level, so intensities p/255 give levels p for 256 levels.
    public func levels(of images: Tensor) -> [Int] {
        guard case .categorical(let levels) = self else {
            return images.scalars.map { $0 >= 0.5 ? 1 : 0 }
        }
        let scale = Float(levels - 1)
        return images.scalars.map { value in
            let level = Int((value * scale).rounded())
            precondition(level >= 0 && level < levels, "PixelDistribution: pixel value \(value) is outside [0, 1]")
            return level
        }
    }

    /// `intensities` in [0, 1] rounded to this distribution's values: to 0 or 1 at 0.5 for a
    /// Bernoulli, to the nearest of the levels k/(L − 1) for a categorical. [N, 1, H, W] → same shape.
    public func quantized(_ intensities: Tensor) -> Tensor {
        let scale: Float
        switch self {
        case .bernoulli: scale = 1
        case .categorical(let levels): scale = Float(levels - 1)
        }
        let values = intensities.scalars.map { (Swift.min(Swift.max($0, 0), 1) * scale).rounded() / scale }
        return Tensor(shape: intensities.shape, scalars: values)
    }

    /// One pixel drawn by inverting its CDF at `uniform` ∈ [0, 1): the value whose cumulative
    /// probability first exceeds `uniform`. The fast and the naive samplers both draw through this,
    /// so equal logits and equal uniforms give equal pixels.
    ///
    /// - Parameters:
    ///   - logits: the pixel's first logit; the others follow `stride` floats apart.
    /// - Returns: the pixel value in this distribution's representation.
    public func draw(logits: UnsafePointer<Float>, stride: Int, uniform: Float) -> Float {
        switch self {
        case .bernoulli:
            // σ(l) from e^(−|l|) ≤ 1, so neither branch overflows.
            let logit = logits[0], e = Foundation.exp(-Swift.abs(logit))
            let probability = logit >= 0 ? 1 / (1 + e) : e / (1 + e)
            return uniform < probability ? 1 : 0
        case .categorical(let levels):
            var largest = -Float.infinity
            for level in 0..<levels { largest = Swift.max(largest, logits[level * stride]) }
            var total = 0.0
            for level in 0..<levels { total += Double(Foundation.exp(logits[level * stride] - largest)) }
            let target = Double(uniform) * total
            var cumulative = 0.0
            for level in 0..<levels {
                cumulative += Double(Foundation.exp(logits[level * stride] - largest))
                if target < cumulative { return Float(level) / Float(levels - 1) }
            }
            return 1   // only reached when rounding leaves the target at the very top
        }
    }
}
