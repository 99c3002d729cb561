import TensorCore

/// A batch of images as the image models train on it: rows of pixels with their labels.
public struct ImageBatch {
    /// [N, H·W] intensities in [0, 1] or binarized pixels.
    public let pixels: Tensor
    /// The class of each image (used by conditional models).
    public let labels: [Int]
    /// H and W of every image.
    public let height: Int, width: Int

    public init(pixels: Tensor, labels: [Int], height: Int, width: Int) {
        self.pixels = pixels
        self.labels = labels
        self.height = height
        self.width = width
    }

    /// N, the images in the batch.
    public var count: Int { labels.count }
}
