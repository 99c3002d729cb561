import TensorCore

/// One split of an image data set in memory: intensities in [0, 1] and integer labels.
///
/// Images are grey (1 channel) or colour (3 channels). Each image is `channels` planes in the
/// order R, G, B, each plane `rows × columns` row-major: shape C×H×W, so one image is
/// `dimension = channels · rows · columns` values. Grey images are the C = 1 case, laid out as
/// before channels existed.
public struct ImageSet: Sendable {
    /// count × dimension values in [0, 1]: image after image, each C×H×W.
    public let intensities: [Float]
    public let labels: [Int]
    /// 1 (grey) or 3 (R, G, B planes).
    public let channels: Int
    public let rows: Int
    public let columns: Int

    public var count: Int { labels.count }
    /// Values per image: channels · rows · columns.
    public var dimension: Int { channels * rows * columns }
    /// Pixels per channel plane: rows · columns.
    public var planeSize: Int { rows * columns }
    /// Whether the images have three channels (R, G, B).
    public var isColour: Bool { channels == 3 }
    /// The number of classes: one more than the largest label.
    public var classCount: Int { (labels.max() ?? -1) + 1 }

    /// Images from intensities laid out image after image, each C×H×W (`channels` planes of
    /// `rows × columns`).
    public init(intensities: [Float], labels: [Int], channels: Int = 1, rows: Int, columns: Int) {
        precondition(channels >= 1, "ImageSet: \(channels) channels")
        precondition(intensities.count == labels.count * channels * rows * columns,
                     "ImageSet: \(intensities.count) values do not make \(labels.count) images of \(channels)×\(rows)×\(columns)")
        self.intensities = intensities
        self.labels = labels
        self.channels = channels
        self.rows = rows
        self.columns = columns
    }

    /// Images from 8-bit levels p (C×H×W per image), kept exactly as intensities p/255:
    /// ``levels`` gives the same bytes back.
    public init(levels: [UInt8], labels: [Int], channels: Int, rows: Int, columns: Int) {
        self.init(intensities: levels.map { Float($0) / 255 }, labels: labels, channels: channels, rows: rows, columns: columns)
    }

    /// Scales 8-bit pixels p to p/255.
    public init(_ labeled: LabeledImages) {
        self.init(intensities: labeled.images.pixels.map { Float($0) / 255 }, labels: labeled.labels.labels.map(Int.init),
                  rows: labeled.images.rows, columns: labeled.images.columns)
    }

    /// The 8-bit level of every value, count × dimension in the layout of ``intensities``:
    /// round(255 · intensity), clamped to 0...255. For images read from 8-bit files this is exactly
    /// the file's bytes, since p/255 rounds back to p, so discrete likelihoods see the true levels.
    public var levels: [UInt8] {
        intensities.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
    }

    /// The images at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ImageSet {
        var values: [Float] = []
        values.reserveCapacity(indices.count * dimension)
        for index in indices { values += intensities[(index * dimension)..<((index + 1) * dimension)] }
        return ImageSet(intensities: values, labels: indices.map { labels[$0] }, channels: channels, rows: rows, columns: columns)
    }

    /// The first `count` images (all of them when `count` is nil or larger).
    public func prefix(_ count: Int?) -> ImageSet {
        guard let count, count < self.count else { return self }
        return subset(Array(0..<count))
    }

    /// The images of both sets, `self` first; nil when their channels or sizes differ.
    public func appending(_ other: ImageSet) -> ImageSet? {
        guard (other.channels, other.rows, other.columns) == (channels, rows, columns) else { return nil }
        return ImageSet(intensities: intensities + other.intensities, labels: labels + other.labels,
                        channels: channels, rows: rows, columns: columns)
    }

    /// Splits off `count` images chosen by a seeded shuffle, for validation: (rest, validation).
    public func splittingValidation(count: Int, seed: UInt64) -> (training: ImageSet, validation: ImageSet) {
        precondition(count >= 0 && count < self.count, "ImageSet: cannot hold out \(count) of \(self.count) images")
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(self.count)
        return (subset(Array(order[count...]).sorted()), subset(Array(order[..<count]).sorted()))
    }

    /// The same images with every pixel replaced by a draw from Bernoulli(intensity), seeded:
    /// the fixed binarization of an evaluation set.
    public func binarized(seed: UInt64) -> ImageSet {
        var generator = RandomGenerator(seed: seed)
        return ImageSet(intensities: Self.bernoulliDraws(tensor(), using: &generator).scalars,
                        labels: labels, channels: channels, rows: rows, columns: columns)
    }

    /// 1 with probability equal to each intensity, else 0: one uniform draw per value.
    static func bernoulliDraws(_ intensities: Tensor, using generator: inout RandomGenerator) -> Tensor {
        let uniform = Tensor.uniform(intensities.shape, using: &generator)
        return Tensor(shape: intensities.shape) { out in
            intensities.withUnsafeBufferPointer { probabilities in
                uniform.withUnsafeBufferPointer { draws in
                    for i in out.indices { out[i] = draws[i] < probabilities[i] ? 1 : 0 }
                }
            }
        }
    }

    /// The same images binarized at a threshold: 1 where the intensity exceeds it.
    public func thresholded(at threshold: Float) -> ImageSet {
        ImageSet(intensities: intensities.map { $0 > threshold ? 1 : 0 }, labels: labels, channels: channels, rows: rows, columns: columns)
    }

    /// Images at `indices` as a [indices.count, dimension] tensor, copied row by row straight into
    /// the tensor (this runs for every training batch).
    public func tensor<Indices: Collection<Int>>(_ indices: Indices) -> Tensor {
        let dimension = self.dimension
        return Tensor(shape: [indices.count, dimension]) { out in
            intensities.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    (out.baseAddress! + row * dimension).update(from: source.baseAddress! + index * dimension, count: dimension)
                }
            }
        }
    }

    /// All images as one [count, dimension] tensor.
    public func tensor() -> Tensor { Tensor(shape: [count, dimension], scalars: intensities) }

    /// Whether every value is exactly 0 or 1.
    public var isBinary: Bool { intensities.allSatisfy { $0 == 0 || $0 == 1 } }
}

extension PixelHandling {
    /// The evaluation form of a split: thresholded, binarized once with the fixed seed, or as is.
    public func evaluationSet(_ images: ImageSet) -> ImageSet {
        switch self {
        case .continuous: images
        case .staticBinarization(let threshold): images.thresholded(at: threshold)
        case .dynamicBinarization: images.binarized(seed: Self.testBinarizationSeed)
        }
    }

    /// The training form of a split before batching: thresholded for static binarization, else as is
    /// (dynamic binarization happens per batch, in ``trainingBatch(_:indices:using:)``).
    public func trainingSet(_ images: ImageSet) -> ImageSet {
        if case .staticBinarization(let threshold) = self { return images.thresholded(at: threshold) }
        return images
    }

    /// A training batch [indices.count, D] from a set prepared by ``trainingSet(_:)``, binarized
    /// afresh from `generator` under dynamic binarization.
    public func trainingBatch<Indices: Collection<Int>>(_ images: ImageSet, indices: Indices,
                                                         using generator: inout RandomGenerator) -> Tensor {
        let batch = images.tensor(indices)
        return self == .dynamicBinarization ? ImageSet.bernoulliDraws(batch, using: &generator) : batch
    }
}
