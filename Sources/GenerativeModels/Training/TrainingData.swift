import Datasets
import TensorCore

/// A training split as the one ``Trainer`` walks it: an order of batches for each epoch, and the
/// batches themselves.
///
/// Both draw from the epoch's data stream (keyed by the run's seed, the epoch and ``streamSalt``),
/// so an epoch's batches can be recomputed on resume and a run gives the same bits every time.
public protocol TrainingData<Batch> {
    associatedtype Batch

    /// Mixed into the data stream's key: one value per kind of data, so that image and text runs
    /// keep the streams they have always had.
    var streamSalt: UInt64 { get }

    /// The example indices of each batch of an epoch, in training order.
    func epochBatches(using stream: inout RandomGenerator) -> [[Int]]

    /// The batch of these examples; draws what it needs (dynamic binarization) from `stream`.
    func batch(_ indices: [Int], using stream: inout RandomGenerator) -> Batch

    /// What a batch counts besides its examples, e.g. ["tokens": target tokens].
    func counts(of batch: Batch) -> [String: Int]

    /// Rows `shard` of the batch of these examples, for one of several processes that share the
    /// batch (data parallel training): what those rows of `batch(indices, using:)` would be,
    /// drawing what those rows of the whole batch draw.
    func batch(_ indices: [Int], shard: BatchShard, using stream: inout RandomGenerator) -> Batch
}

extension TrainingData {
    public func counts(of batch: Batch) -> [String: Int] { [:] }

    /// Rows `shard` of the batch of these examples, for one of several processes that share the
    /// batch: the rows, with what those rows of the whole batch draw from `stream`.
    public func batch(_ indices: [Int], shard: BatchShard, using stream: inout RandomGenerator) -> Batch {
        stream.shard = shard
        defer { stream.shard = nil }
        return batch(Array(indices[shard.rowRange]), using: &stream)
    }
}

/// Training images in a run's pixel handling, shuffled each epoch and cut into batches.
public struct ImageTrainingData: TrainingData {
    public let images: ImageSet
    public let pixels: PixelHandling
    public let batchSize: Int

    /// - Parameter images: the training split as loaded; ``PixelHandling/trainingSet(_:)`` is applied here.
    public init(_ images: ImageSet, pixels: PixelHandling, batchSize: Int) {
        self.images = pixels.trainingSet(images)
        self.pixels = pixels
        self.batchSize = batchSize
    }

    public var streamSalt: UInt64 { 0xDA7A }

    /// A permutation of the images, the first draw of the epoch's stream, in consecutive batches.
    public func epochBatches(using stream: inout RandomGenerator) -> [[Int]] {
        let order = stream.permutation(images.count)
        return stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<Swift.min($0 + batchSize, order.count)]) }
    }

    public func batch(_ indices: [Int], using stream: inout RandomGenerator) -> ImageBatch {
        ImageBatch(pixels: pixels.trainingBatch(images, indices: indices, using: &stream), labels: indices.map { images.labels[$0] },
                   height: images.rows, width: images.columns)
    }
}
