import TensorCore

/// What the samplers of the autoregressive image models (PixelCNN, PixelRNN) share: the plain
/// sampler, and the fast samplers' record of the logits they drew from.
extension PixelDistribution {
    /// Images drawn the plain way: `logits` ([N, C, H, W] → [N, C·L, H, W]) on the whole images once
    /// per sub-pixel, C·H·W full passes, each sub-pixel drawn with its uniform of
    /// ``PixelCNN/samplingUniforms(count:pixels:using:)``. For tests and benchmarks. [N, C, H, W].
    func sampleNaively(count: Int, channels colours: Int, height: Int, width: Int, using generator: inout RandomGenerator,
                       logits: (Tensor) -> Tensor) -> Tensor {
        let pixels = height * width, logitsPerPixel = self.logitsPerPixel
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: pixels * colours, using: &generator)
        let images = Tensor.zeros([count, colours, height, width])
        withoutGradients {
            for pixel in 0..<pixels {
                for colour in 0..<colours {
                    let logits = logits(images)
                    logits.withUnsafeBufferPointer { logits in
                        images.withUnsafeMutableBufferPointer { values in
                            for image in 0..<count {
                                // Logit k of this sub-pixel: [image, colour·L + k, pixel] of [N, C·L, H·W].
                                values[(image * colours + colour) * pixels + pixel] = draw(
                                    logits: logits.baseAddress! + ((image * colours + colour) * logitsPerPixel) * pixels + pixel,
                                    stride: pixels, uniform: uniforms[(pixel * colours + colour) * count + image])
                            }
                        }
                    }
                }
            }
        }
        return images
    }
}

/// The logits a fast sampler drew each sub-pixel from, [N, C·L, H, W]: for tests that they equal
/// the whole network's logits on the drawn images.
enum SubPixelLogits {
    /// Stores the logits of colour `colour` at (row, column), rows colour·L ..< (colour + 1)·L of
    /// `logits` [C·L, N], into `kept` [N, C·L, H, W].
    static func store(_ logits: Tensor, colour: Int, levels: Int, row: Int, column: Int, into kept: Tensor) {
        let (images, channels, height, width) = (kept.shape[0], kept.shape[1], kept.shape[2], kept.shape[3])
        logits.withUnsafeBufferPointer { logits in
            kept.withUnsafeMutableBufferPointer { out in
                for level in (colour * levels)..<((colour + 1) * levels) {
                    for image in 0..<images {
                        out[((image * channels + level) * height + row) * width + column] = logits[level * images + image]
                    }
                }
            }
        }
    }
}
