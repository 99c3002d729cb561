/// An image data set read from a folder of its own kind (CIFAR-10 batches, an image folder):
/// the training and test images, the class names, and where the test images came from.
public struct ImageDataset: Sendable {
    /// The training images, C×H×W each.
    public let training: ImageSet
    /// The images every evaluation uses: the folder's own test files, or a held-out share of the
    /// training files (``testSplit`` says which).
    public let test: ImageSet
    /// One name per label, in label order.
    public let classNames: [String]
    public let testSplit: TestSplitSource

    public init(training: ImageSet, test: ImageSet, classNames: [String], testSplit: TestSplitSource) {
        self.training = training
        self.test = test
        self.classNames = classNames
        self.testSplit = testSplit
    }
}

/// Where a data set's test images came from.
public enum TestSplitSource: Sendable, Equatable, CustomStringConvertible {
    /// The folder's own test files, named as the folder holds them (`test_batch.bin`, `test/`).
    case files(String)
    /// `count` training images held out by ``HeldOutTestSplit`` because the folder has no test files.
    case heldOut(count: Int, of: Int, seed: UInt64)

    /// Whether the test images were carved from the training files.
    public var isHeldOut: Bool {
        if case .heldOut = self { return true }
        return false
    }

    /// "test_batch.bin", or "1000 of 10000 training images held out (seed 1129270867)".
    public var description: String {
        switch self {
        case .files(let name): name
        case .heldOut(let count, let total, let seed): "\(count) of \(total) training images held out (seed \(seed))"
        }
    }
}

/// The test split of a folder that has no test files: a fixed 10% of its training images (at least
/// one), chosen by a shuffle with a fixed seed.
///
/// The seed is fixed rather than the run's so that `latent eval`, `sample` and `--resume` of any run
/// on the folder see the same test images as its training did, and runs with different seeds are
/// evaluated on the same images.
public enum HeldOutTestSplit {
    /// The seed of the shuffle that picks the held-out images.
    public static let seed: UInt64 = 0x4350_5354   // "CPST"
    /// Share of the training images held out, in percent.
    public static let percent = 10

    /// Images held out of `total`: 10% rounded down, at least one.
    public static func count(of total: Int) -> Int { max(1, total * percent / 100) }

    /// (training, test) from `images`, which must hold at least two images, and the source to report.
    public static func split(_ images: ImageSet) -> (training: ImageSet, test: ImageSet, source: TestSplitSource) {
        let count = count(of: images.count)
        let (training, test) = images.splittingValidation(count: count, seed: seed)
        return (training, test, .heldOut(count: count, of: images.count, seed: seed))
    }
}
