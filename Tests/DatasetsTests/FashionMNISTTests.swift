import Datasets
import Foundation
import XCTest

/// Reads the real Fashion-MNIST files that Debian's `dataset-fashion-mnist` package installs.
///
/// The expected values were read independently with Python's gzip module (header skipped):
/// 10,000 test labels, 1,000 per class, the first being 9 (ankle boot); the first test image's
/// pixels sum to 33,456 and all test pixels to 573,469,082.
final class FashionMNISTTests: XCTestCase {
    private func requireDataset() throws {
        let path = MNISTFormatDataset.fashionMNISTDirectory.path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path),
                          "\(path) is absent; `apt-get install dataset-fashion-mnist` provides it")
    }

    func testTestSplit() throws {
        try requireDataset()

        let test = try MNISTFormatDataset.load(.test, from: MNISTFormatDataset.fashionMNISTDirectory)

        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(test.images.rows, 28)
        XCTAssertEqual(test.images.columns, 28)
        XCTAssertEqual(test.images.pixels.count, 10_000 * 28 * 28)
        XCTAssertEqual(test.labels.labels.first, 9, "the first t10k example is an ankle boot")
        var perClass = [Int](repeating: 0, count: 10)
        for label in test.labels.labels {
            guard label < 10 else { return XCTFail("label \(label) is outside 0...9") }
            perClass[Int(label)] += 1
        }
        XCTAssertEqual(perClass, [Int](repeating: 1_000, count: 10))
        XCTAssertEqual(test.images.image(at: 0)?.reduce(0) { $0 + Int($1) }, 33_456)
        XCTAssertEqual(test.images.pixels.reduce(0) { $0 + Int($1) }, 573_469_082)
    }

    func testWholeDatasetLoads() throws {
        try requireDataset()

        let start = Date()
        let dataset = try MNISTFormatDataset.fashionMNIST()
        let seconds = Date().timeIntervalSince(start)

        XCTAssertEqual(dataset.train.count, 60_000)
        XCTAssertEqual(dataset.test.count, 10_000)
        XCTAssertEqual(dataset.train.labels.labels.prefix(4), [9, 0, 0, 3])
        XCTAssertEqual(dataset.train.images.image(at: 0)?.reduce(0) { $0 + Int($1) }, 76_247)
        // Generous bound: about 0.3 s here even in a debug build; a regression to zlib's 8 KiB default buffer or to
        // byte-at-a-time reading would be far slower.
        XCTAssertLessThan(seconds, 5, "loading Fashion-MNIST took \(seconds) s")
    }
}
