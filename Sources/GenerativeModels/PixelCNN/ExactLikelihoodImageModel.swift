import TensorCore

/// An image model with an exact likelihood, log p(x) = Σ_i log p(x_i | what the model conditions
/// on), over pixels in a ``PixelDistribution``: the PixelCNN and the independent-pixels baseline.
/// The command line trains, evaluates and samples every such model the same way.
///
/// Images come as rows [N, C·H·W] of intensities in [0, 1] or binarized pixels (C×H×W per image,
/// C = ``imageChannels``), and are used as [N, C, H, W] in the distribution's representation
/// (``images(_:height:width:)``). Colour images have one distribution per sub-pixel, so the
/// likelihood is over C·H·W values.
public protocol ExactLikelihoodImageModel: GenerativeModel where Batch == ImageBatch {
    /// The distribution of each pixel.
    var distribution: PixelDistribution { get }
    /// The classes of a class-conditional model; 0 for an unconditional one.
    var classes: Int { get }
    /// Channels of the images: 1 (grey) or 3 (R, G, B).
    var imageChannels: Int { get }

    /// −log p(x) of each image, exactly, in nats: [N, C, H, W] in the distribution's
    /// representation → [N]. `labels` are the classes of a class-conditional model, else nil.
    func negativeLogLikelihood(_ images: Tensor, labels: [Int]?) -> Tensor

    /// `count` images drawn from the model, [count, C, H, W] in the distribution's representation.
    func sample(count: Int, height: Int, width: Int, labels: [Int]?, using generator: inout RandomGenerator) -> Tensor
}

extension ExactLikelihoodImageModel {
    public var isConditional: Bool { classes > 0 }

    /// The most bytes of logits an evaluation batch holds at once (``evaluationBatchSize(height:width:)``).
    public static var evaluationLogitBudget: Int { 128 << 20 }

    /// Grey images, unless a model says otherwise.
    public var imageChannels: Int { 1 }

    /// The mean −log p(x) over the batch, in nats per image, reported as "nll". These models have
    /// no latent variable, so the objective's KL term and samples have nothing to act on.
    public func trainingLoss(on batch: ImageBatch, objective: TrainingObjective, step: Int,
                             using noise: inout RandomGenerator) -> LossBreakdown {
        let nll = negativeLogLikelihood(images(batch.pixels, height: batch.height, width: batch.width),
                                        labels: isConditional ? batch.labels : nil).mean()
        return LossBreakdown(total: nll, terms: [("nll", nll)])
    }

    /// Exact −log p(x) of every image of `rows` [N, C·H·W], in nats, evaluated in batches without
    /// gradients (of ``evaluationBatchSize(height:width:)`` images unless `batchSize` says).
    /// `progress` is called with (images done, images in all) after each batch.
    public func negativeLogLikelihoods(_ rows: Tensor, height: Int, width: Int, labels: [Int]?, batchSize: Int? = nil,
                                       progress: (Int, Int) -> Void = { _, _ in }) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(rows.shape[0])
        withoutGradients {
            RowBatches.forEach(of: rows, size: batchSize ?? evaluationBatchSize(height: height, width: width)) { range, batch in
                let batchLabels = isConditional ? labels.map { Array($0[range]) } : nil
                result += negativeLogLikelihood(images(batch, height: height, width: width), labels: batchLabels).scalars.map(Double.init)
                progress(result.count, rows.shape[0])
            }
        }
        return result
    }

    /// Images per evaluation batch: 500, or fewer where the logits of 500 would pass
    /// ``evaluationLogitBudget`` bytes. A colour model's 256 logits per sub-pixel take 3 MiB per
    /// 32×32 image, so 500 would hold 1.5 GiB of logits at once (and the network's maps beside
    /// them), which the evaluation does not need to run at full speed.
    public func evaluationBatchSize(height: Int, width: Int) -> Int {
        let bytesPerImage = imageChannels * distribution.logitsPerPixel * height * width * MemoryLayout<Float>.stride
        return Swift.max(1, Swift.min(500, Self.evaluationLogitBudget / Swift.max(bytesPerImage, 1)))
    }

    /// Rows [N, C·H·W] of intensities or binarized pixels → [N, C, H, W] in the distribution's values.
    public func images(_ rows: Tensor, height: Int, width: Int) -> Tensor {
        distribution.quantized(rows.reshaped([rows.shape[0], imageChannels, height, width]))
    }
}

/// An exact-likelihood model that draws the rest of partly known images, pixel by pixel from
/// p(x_t | x_<t): the autoregressive models (PixelCNN, PixelRNN), not the independent-pixels
/// baseline, whose completion would ignore what is given.
public protocol CompletingImageModel: ExactLikelihoodImageModel {
    /// The first `givenPixels` pixels (raster order) of each image kept, the rest drawn.
    ///
    /// - Parameters:
    ///   - images: [N, C, H, W] in the distribution's representation; only the given pixels are read.
    ///   - labels: N class labels for a class-conditional model, else nil.
    /// - Returns: [N, C, H, W].
    func complete(_ images: Tensor, givenPixels: Int, labels: [Int]?, using generator: inout RandomGenerator) -> Tensor
}

extension PixelCNN: CompletingImageModel {}
