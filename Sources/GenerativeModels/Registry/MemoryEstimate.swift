/// A configuration's memory, estimated from its sizes before anything is allocated, so a run that
/// cannot fit is refused in one sentence instead of ending in a failed allocation.
///
/// The estimates count floats of 4 bytes: the parameters four times (weights, gradients and Adam's
/// two moments) and one batch's activations three times (kept for the backward pass, their
/// gradients, and scratch). They are upper-bound guesses for refusing sizes that cannot fit, not
/// predictions of peak memory.
public enum MemoryEstimate {
    /// Bytes of a training with `parameters` parameters and `activations` floats of activations per batch.
    public static func training(parameters: Int, activations: Int) -> Int {
        4 * (4 * parameters + 3 * activations)
    }

    /// Products of sizes saturate instead of overflowing: the estimate of an absurd model is huge, not a trap.
    static func product(_ factors: Int...) -> Int {
        factors.reduce(1) { total, factor in
            let (result, overflow) = total.multipliedReportingOverflow(by: Swift.max(factor, 0))
            return overflow ? Int.max / 64 : result
        }
    }

    static func sum(_ terms: [Int]) -> Int {
        terms.reduce(0) { total, term in Swift.min(total &+ term, Int.max / 64) }
    }
}

extension VAEConfiguration {
    /// Training bytes of this model at this batch size.
    public var estimatedTrainingBytes: Int {
        // Inputs are C·H·W values; the decoder's last layer outputs P per value.
        let pixels = channelCount * imageHeight * imageWidth, classes = conditional ? classCount : 0
        let outputs = observationModel.outputsPerValue * pixels
        switch architecture {
        case .mlp:
            let widths = [pixels + classes] + hiddenSizes
            let encoder = zip(widths, widths.dropFirst()).map { MemoryEstimate.product($0, $1) }
            let heads = MemoryEstimate.product(2, hiddenSizes.last ?? 1, latentDimension)
            let decoderWidths = [latentDimension + classes] + hiddenSizes.reversed() + [outputs]
            let decoder = zip(decoderWidths, decoderWidths.dropFirst()).map { MemoryEstimate.product($0, $1) }
            let activations = MemoryEstimate.product(batchSize, MemoryEstimate.sum(widths + decoderWidths) * samples)
            return MemoryEstimate.training(parameters: MemoryEstimate.sum(encoder + decoder + [heads]), activations: activations)
        case .conv:
            var side = Swift.max(imageHeight, imageWidth), previous = channelCount + classes
            // The decoder's output and, for a discrete likelihood, its gradient kept by the fused loss.
            var parameters: [Int] = [], activations: [Int] = [MemoryEstimate.product(previous, side, side), MemoryEstimate.product(2, outputs)]
            for channel in channels {
                side = Swift.max((side + 2 * padding - kernel) / Swift.max(stride, 1) + 1, 1)
                parameters.append(MemoryEstimate.product(2, previous, channel, kernel, kernel))   // encoder and its mirror
                activations.append(MemoryEstimate.product(2, channel, side, side))
                previous = channel
            }
            parameters.append(MemoryEstimate.product(3, previous, side, side, latentDimension + classes))   // heads and decoder input
            let perImage = MemoryEstimate.sum(activations) * samples
            return MemoryEstimate.training(parameters: MemoryEstimate.sum(parameters),
                                           activations: MemoryEstimate.product(batchSize, perImage))
        }
    }
}

extension VAEConfiguration {
    /// Bytes of decoding `count` codes into images: every decoder layer's output for every image, twice.
    public func estimatedSamplingBytes(count: Int) -> Int {
        let widths = [latentDimension, observationModel.outputsPerValue * channelCount * imageHeight * imageWidth] + (architecture == .mlp ? hiddenSizes : channels.map { $0 * imageHeight * imageWidth })
        return MemoryEstimate.product(8, count, MemoryEstimate.sum(widths))
    }
}

extension ExactLikelihoodConfiguration {
    /// Training bytes of an exact-likelihood model with `layers` hidden layers of `channels`
    /// channels and `kernel`×`kernel` kernels, at this batch size.
    func trainingBytes(channels: Int, layers: Int, kernel: Int) -> Int {
        let pixels = imageHeight * imageWidth
        let logits = (output == .bernoulli ? 1 : levels) * channelsPerPixel
        let parameters = MemoryEstimate.sum([MemoryEstimate.product(layers, channels, channels, kernel, kernel),
                                             MemoryEstimate.product(channels, logits), MemoryEstimate.product(logits, pixels)])
        let activations = MemoryEstimate.product(batchSize, pixels, MemoryEstimate.sum([MemoryEstimate.product(layers + 1, channels), logits]))
        return MemoryEstimate.training(parameters: parameters, activations: activations)
    }

    /// Bytes of drawing `count` images: the sampler keeps every layer's activations of every image.
    func samplingBytes(count: Int, channels: Int, layers: Int) -> Int {
        MemoryEstimate.product(4, count, imageHeight * imageWidth, MemoryEstimate.sum([MemoryEstimate.product(layers + 2, channels),
                                                                                           MemoryEstimate.product(levels, channelsPerPixel)]))
    }
}

extension PixelCNNConfiguration {
    public var estimatedTrainingBytes: Int {
        trainingBytes(channels: channels * (gated ? 4 : 1), layers: residualBlocks + 1, kernel: Swift.max(hiddenKernelSize, firstKernelSize))
    }

    public func estimatedSamplingBytes(count: Int) -> Int {
        samplingBytes(count: count, channels: channels * (gated ? 4 : 1), layers: residualBlocks + 1)
    }
}

extension IndependentPixelsConfiguration {
    public var estimatedTrainingBytes: Int { trainingBytes(channels: 1, layers: 0, kernel: 1) }

    public func estimatedSamplingBytes(count: Int) -> Int { samplingBytes(count: count, channels: 1, layers: 0) }
}

extension SentenceVAEConfiguration {
    /// Training bytes over a vocabulary of `vocabularySize` words: embeddings, the recurrent layers
    /// of encoder and decoder, the output layer, and a batch of the longest sentences, whose
    /// logits over the vocabulary dominate.
    public func estimatedTrainingBytes(vocabularySize: Int) -> Int {
        let gates = 4 * hiddenSize, steps = maximumLength + 1
        let parameters = MemoryEstimate.sum([
            MemoryEstimate.product(vocabularySize, embeddingSize),
            MemoryEstimate.product(2, gates, embeddingSize + hiddenSize + latentDimension),
            MemoryEstimate.product(hiddenSize + 1, vocabularySize),
            MemoryEstimate.product(2, hiddenSize, latentDimension),
        ])
        let activations = MemoryEstimate.product(batchSize, steps, MemoryEstimate.sum([vocabularySize, 2 * gates, embeddingSize]))
        return MemoryEstimate.training(parameters: parameters, activations: activations)
    }
}
