import TensorCore

/// An image model with an exact likelihood, log p(x) = Σ_i log p(x_i | what the model conditions
/// on), over pixels in a ``PixelDistribution``: the PixelCNN and the independent-pixels baseline.
/// The command line trains, evaluates and samples every such model the same way.
///
/// Images come as rows [N, H·W] of intensities in [0, 1] or binarized pixels, and are used as
/// [N, 1, H, W] in the distribution's representation (``images(_:height:width:)``).
public protocol ExactLikelihoodImageModel: GenerativeModel where Batch == ImageBatch {
    /// The distribution of each pixel.
    var distribution: PixelDistribution { get }
    /// The classes of a class-conditional model; 0 for an unconditional one.
    var classes: Int { get }

    /// Exact −log p(x) of every image of `rows` [N, H·W], in nats, evaluated in batches without
    /// gradients. `progress` is called with (images done, images in all) after each batch.
    func negativeLogLikelihoods(_ rows: Tensor, height: Int, width: Int, labels: [Int]?, batchSize: Int,
                                progress: (Int, Int) -> Void) -> [Double]

    /// `count` images drawn from the model, [count, 1, H, W] in the distribution's representation.
    func sample(count: Int, height: Int, width: Int, labels: [Int]?, using generator: inout RandomGenerator) -> Tensor
}

extension ExactLikelihoodImageModel {
    public var isConditional: Bool { classes > 0 }

    /// Exact −log p(x) of every image of `rows`, in batches of 500.
    public func negativeLogLikelihoods(_ rows: Tensor, height: Int, width: Int, labels: [Int]?,
                                       progress: (Int, Int) -> Void) -> [Double] {
        negativeLogLikelihoods(rows, height: height, width: width, labels: labels, batchSize: 500, progress: progress)
    }

    /// Rows [N, H·W] of intensities or binarized pixels → [N, 1, H, W] in the distribution's values.
    public func images(_ rows: Tensor, height: Int, width: Int) -> Tensor {
        distribution.quantized(rows.reshaped([rows.shape[0], 1, height, width]))
    }
}
