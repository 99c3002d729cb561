import TensorCore

/// Drawing images from a PixelRNN, pixel by pixel in raster order, with the same uniforms and the
/// same inverse-CDF draw as PixelCNN's samplers (``PixelCNN/samplingUniforms(count:pixels:using:)``),
/// so the fast and the plain sampler draw the same images for one seed, up to Float32 rounding.
/// Colour images take one uniform per sub-pixel and are drawn R, G, B at each pixel.
extension PixelRNN {
    /// `count` images drawn from the model, each map computed once per pixel
    /// (``IncrementalPixelRNNSampler``): about the cost of one forward pass for all H·W pixels.
    ///
    /// - Returns: [count, C, height, width] in the distribution's representation, C the image channels.
    public func sample(count: Int, height: Int = 28, width: Int = 28, labels: [Int]? = nil,
                       using generator: inout RandomGenerator) -> Tensor {
        precondition(labels == nil, "PixelRNN: labels given to an unconditional model")
        precondition(count >= 0 && height > 0 && width > 0, "PixelRNN.sample: \(count) images of \(height)×\(width)")
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: height * width * imageChannels, using: &generator)
        guard count > 0 else { return Tensor.zeros([0, imageChannels, height, width]) }
        return IncrementalPixelRNNSampler(model: self, images: count, height: height, width: width).run(uniforms: uniforms).images
    }

    /// Completions of partly known images: the first `givenPixels` pixels of each image (raster
    /// order) are kept, the rest drawn from p(x_t | x_<t).
    ///
    /// - Parameters:
    ///   - images: [N, C, H, W] in the distribution's representation; only the given pixels (all
    ///     their channels) are read.
    ///   - labels: nil: PixelRNN models are unconditional.
    /// - Returns: [N, C, H, W].
    public func complete(_ images: Tensor, givenPixels: Int, labels: [Int]? = nil, using generator: inout RandomGenerator) -> Tensor {
        precondition(labels == nil, "PixelRNN: labels given to an unconditional model")
        precondition(images.rank == 4 && images.shape[1] == imageChannels,
                     "PixelRNN.complete: images must be [N, \(imageChannels), H, W], got \(images.shape)")
        let (count, height, width) = (images.shape[0], images.shape[2], images.shape[3])
        precondition(givenPixels >= 0 && givenPixels <= height * width, "PixelRNN.complete: \(givenPixels) given pixels of \(height * width)")
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: height * width * imageChannels, using: &generator)
        guard count > 0 else { return images }
        let sampler = IncrementalPixelRNNSampler(model: self, images: count, height: height, width: width)
        return sampler.run(uniforms: uniforms, given: (images.scalars, givenPixels)).images
    }

    /// The same draw done the plain way: the whole network on the whole image once per sub-pixel,
    /// C·H·W full passes, as the reference samples. For tests and benchmarks.
    public func sampleNaively(count: Int, height: Int = 28, width: Int = 28, using generator: inout RandomGenerator) -> Tensor {
        precondition(count >= 0 && height > 0 && width > 0, "PixelRNN.sampleNaively: \(count) images of \(height)×\(width)")
        return distribution.sampleNaively(count: count, channels: imageChannels, height: height, width: width, using: &generator) {
            self.logits($0)
        }
    }

    /// The fast sampler's images and the logits it drew each sub-pixel from, [N, C·L, H, W]: for tests
    /// that those equal the whole network's logits on the drawn images.
    func sampleKeepingLogits(count: Int, height: Int, width: Int, using generator: inout RandomGenerator) -> (images: Tensor, logits: Tensor) {
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: height * width * imageChannels, using: &generator)
        let (images, logits) = IncrementalPixelRNNSampler(model: self, images: count, height: height, width: width)
            .run(uniforms: uniforms, keepingLogits: true)
        return (images, logits!)
    }
}
