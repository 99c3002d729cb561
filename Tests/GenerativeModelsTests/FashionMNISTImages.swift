import Datasets
import Foundation
import TensorCore
import XCTest

/// Real Fashion-MNIST test images as model inputs, from Debian's `dataset-fashion-mnist` package.
enum FashionMNISTImages {
    /// Images `offset ..< offset + count` of the 10,000-image test split as a [count, 784] tensor of
    /// intensities pixel/255 in [0, 1]. Skips the calling test when the data set is not installed.
    static func testImages(count: Int, offset: Int = 0) throws -> Tensor {
        let directory = MNISTFormatDataset.fashionMNISTDirectory
        try XCTSkipUnless(FileManager.default.fileExists(atPath: directory.path),
                          "\(directory.path) is absent; `apt-get install dataset-fashion-mnist` provides it")
        let images = try MNISTFormatDataset.load(.test, from: directory).images
        precondition(offset >= 0 && offset + count <= images.count, "only \(images.count) test images")
        let perImage = images.pixelsPerImage
        let pixels = images.pixels[(offset * perImage) ..< ((offset + count) * perImage)]
        return Tensor(shape: [count, perImage], scalars: pixels.map { Float($0) / 255 })
    }
}
