import Datasets
import Foundation
import TensorCore
import XCTest

/// Real Fashion-MNIST test images as model inputs, from Debian's `dataset-fashion-mnist` package.
enum FashionMNISTImages {
    /// The test split, read once per test process: inflating it takes seconds in a debug build.
    nonisolated(unsafe) private static var cachedTestSplit: ImageSet?

    static func testSplit() throws -> ImageSet {
        let directory = MNISTFormatDataset.fashionMNISTDirectory
        try XCTSkipUnless(FileManager.default.fileExists(atPath: directory.path),
                          "\(directory.path) is absent; `apt-get install dataset-fashion-mnist` provides it")
        if let cachedTestSplit { return cachedTestSplit }
        let split = ImageSet(try MNISTFormatDataset.load(.test, from: directory))
        cachedTestSplit = split
        return split
    }

    /// Images `offset ..< offset + count` of the 10,000-image test split as a [count, 784] tensor of
    /// intensities pixel/255 in [0, 1]. Skips the calling test when the data set is not installed.
    static func testImages(count: Int, offset: Int = 0) throws -> Tensor {
        let split = try testSplit()
        precondition(offset >= 0 && offset + count <= split.count, "only \(split.count) test images")
        return split.tensor(offset ..< offset + count)
    }

    /// The labels (0–9) of test images `offset ..< offset + count`.
    static func testLabels(count: Int, offset: Int = 0) throws -> [Int] {
        Array(try testSplit().labels[offset ..< offset + count])
    }
}
