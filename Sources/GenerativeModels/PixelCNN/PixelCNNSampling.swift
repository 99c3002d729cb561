import TensorCore

/// Drawing images from a PixelCNN, pixel by pixel in raster order.
///
/// Both samplers take one uniform number per sub-pixel of each image (per pixel for grey images,
/// per R, G and B value for colour ones), all drawn up front in the same order, and invert the
/// sub-pixel's CDF at it (``PixelDistribution``). So for one seed they draw the
/// same images, up to Float32 rounding of the logits: the fast sampler sums each convolution over
/// the same taps in the same order, but one pixel at a time.
extension PixelCNN {
    /// `count` images drawn from the model, computing each layer's activation at each pixel once
    /// (``IncrementalPixelCNNSampler``): about the cost of one forward pass for all H·W pixels.
    ///
    /// - Parameters:
    ///   - labels: `count` class labels for a class-conditional model, else nil.
    /// - Returns: [count, C, height, width] in the distribution's representation (0/1 for
    ///   Bernoulli, k/(L − 1) for level k of a categorical), C the image channels.
    public func sample(count: Int, height: Int = 28, width: Int = 28, labels: [Int]? = nil,
                       using generator: inout RandomGenerator) -> Tensor {
        precondition(count >= 0 && height > 0 && width > 0, "PixelCNN.sample: \(count) images of \(height)×\(width)")
        let uniforms = Self.samplingUniforms(count: count, pixels: height * width * imageChannels, using: &generator)
        guard count > 0 else { return Tensor.zeros([0, imageChannels, height, width]) }
        let sampler = IncrementalPixelCNNSampler(model: self, images: count, height: height, width: width, labels: labels)
        return sampler.run(uniforms: uniforms)
    }

    /// Completions of partly known images: the first `givenPixels` pixels of each image (raster
    /// order; `width`·k for the top k rows) are kept, the rest drawn from p(x_t | x_<t).
    ///
    /// - Parameters:
    ///   - images: [N, C, H, W] in the distribution's representation; only the given pixels (all
    ///     their channels) are read.
    ///   - labels: N class labels for a class-conditional model, else nil.
    /// - Returns: [N, C, H, W].
    public func complete(_ images: Tensor, givenPixels: Int, labels: [Int]? = nil, using generator: inout RandomGenerator) -> Tensor {
        precondition(images.rank == 4 && images.shape[1] == imageChannels,
                     "PixelCNN.complete: images must be [N, \(imageChannels), H, W], got \(images.shape)")
        let (count, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        precondition(givenPixels >= 0 && givenPixels <= height * width, "PixelCNN.complete: \(givenPixels) given pixels of \(height * width)")
        let uniforms = Self.samplingUniforms(count: count, pixels: height * width * imageChannels, using: &generator)
        guard count > 0 else { return images }
        let sampler = IncrementalPixelCNNSampler(model: self, images: count, height: height, width: width, labels: labels)
        return sampler.run(uniforms: uniforms, keepingLogits: false, given: (images.scalars, givenPixels)).images
    }

    /// The same draw as ``sample(count:height:width:labels:using:)`` done the plain way: the whole
    /// network on the whole image once per sub-pixel, C·H·W full passes. For tests and benchmarks.
    public func sampleNaively(count: Int, height: Int = 28, width: Int = 28, labels: [Int]? = nil,
                              using generator: inout RandomGenerator) -> Tensor {
        precondition(count >= 0 && height > 0 && width > 0, "PixelCNN.sampleNaively: \(count) images of \(height)×\(width)")
        return distribution.sampleNaively(count: count, channels: imageChannels, height: height, width: width, using: &generator) {
            self.logits($0, labels: labels)
        }
    }

    /// One uniform in [0, 1) per sub-pixel of each image, pixel-major: element (t·C + c)·count + n
    /// is for channel c of pixel t of image n (`pixels` counts the sub-pixels, C·H·W).
    static func samplingUniforms(count: Int, pixels: Int, using generator: inout RandomGenerator) -> [Float] {
        guard count * pixels > 0 else { return [] }
        return Tensor.uniform([pixels * count], using: &generator).scalars
    }
}
