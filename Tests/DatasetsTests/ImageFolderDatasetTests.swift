import Datasets
import Foundation
import XCTest

/// Folders of PNG and JPEG images, one subfolder per class.
final class ImageFolderDatasetTests: XCTestCase {
    func testColourFolderWithoutTestSubfolderHoldsOutATenth() throws {
        XCTAssertTrue(ImageFolderDataset.isImageFolder(ImageFixtures.colourFolder))
        let dataset = try ImageFolderDataset.load(directory: ImageFixtures.colourFolder)
        XCTAssertEqual(dataset.classNames, ["airplane", "bird", "cat", "deer", "dog", "frog", "horse", "truck"])
        XCTAssertEqual(dataset.training.count + dataset.test.count, 12)
        XCTAssertEqual(dataset.testSplit, .heldOut(count: 1, of: 12, seed: HeldOutTestSplit.seed))
        XCTAssertEqual([dataset.training.channels, dataset.training.rows, dataset.training.columns], [3, 32, 32])
        XCTAssertEqual(dataset.test.channels, 3)
        // deer/000.png is CIFAR record 0, byte for byte, labelled with deer's place among the classes.
        let record = try ImageFixtures.cifarRecord(0)
        let all = dataset.training.appending(dataset.test)!
        let levels = all.levels
        let index = try XCTUnwrap((0..<all.count).first { Array(levels[($0 * 3072)..<(($0 + 1) * 3072)]) == record.planes })
        XCTAssertEqual(dataset.classNames[all.labels[index]], "deer")
    }

    func testGreyFolderWithTrainAndTestSubfolders() throws {
        let dataset = try ImageFolderDataset.load(directory: ImageFixtures.greyFolder)
        XCTAssertEqual(dataset.training.count, 30)
        XCTAssertEqual(dataset.test.count, 10)
        XCTAssertEqual(dataset.testSplit, .files("test/"))
        XCTAssertEqual([dataset.training.channels, dataset.training.rows, dataset.training.columns], [1, 16, 16])
        XCTAssertFalse(dataset.training.isColour)
        XCTAssertEqual(dataset.classNames.count, 10)
        // Test classes take the training classes' labels: test/automobile holds the first four test files.
        XCTAssertEqual(Array(dataset.test.labels.prefix(4)), Array(repeating: dataset.classNames.firstIndex(of: "automobile")!, count: 4))
        let first = try ImageFileDecoder.decode(try ImageFixtures.bytes("imagefolder-grey/test/automobile/032.png"))
        XCTAssertEqual(Array(dataset.test.levels.prefix(256)), first.pixels)
    }

    func testGreyAndColourMixedGiveThreeChannelsAndAllGreyGivesOne() throws {
        let mixed = try folder(["a/grey.png": "grey.png", "b/colour.png": "colour.png", "b/grey.jpg": "grey.jpg"])
        let images = try ImageFolderDataset.load(directory: mixed).training.appending(try ImageFolderDataset.load(directory: mixed).test)!
        XCTAssertEqual(images.channels, 3)
        let grey = try ImageFileDecoder.decode(try ImageFixtures.bytes("files/grey.png")).pixels
        let index = try XCTUnwrap((0..<3).first { images.labels[$0] == 0 })
        let planes = Array(images.levels[(index * 3072)..<((index + 1) * 3072)])
        XCTAssertEqual(Array(planes[0..<1024]), grey)
        XCTAssertEqual(Array(planes[1024..<2048]), grey)
        XCTAssertEqual(Array(planes[2048..<3072]), grey)

        let allGrey = try folder(["a/grey.png": "grey.png", "b/grey.jpg": "grey.jpg"])
        XCTAssertEqual(try ImageFolderDataset.load(directory: allGrey).training.channels, 1)
    }

    func testMixedSizesNeedAnImageSize() throws {
        let directory = try folder(["a/colour.png": "colour.png", "b/wide.png": "colour-48x40.png"])
        let error = assertThrows(ImageFolderError.self) { try ImageFolderDataset.load(directory: directory) }
        XCTAssertEqual(error, .mixedSizes(firstPath: directory.appendingPathComponent("a/colour.png").path, firstWidth: 32, firstHeight: 32,
                                          path: directory.appendingPathComponent("b/wide.png").path, width: 48, height: 40))
        XCTAssertTrue(error?.description.contains("--image-size") == true)
        let resized = try ImageFolderDataset.load(directory: directory, imageSize: 16)
        XCTAssertEqual([resized.training.channels, resized.training.rows, resized.training.columns], [3, 16, 16])
    }

    func testUndecodableFilesAreNamedAndCounted() throws {
        let directory = try folder(["a/colour.png": "colour.png", "a/grey.png": "grey.png", "b/colour.jpg": "colour.jpg"])
        let broken = directory.appendingPathComponent("a/broken.png")
        try ImageFixtures.bytes("files/colour.png").prefix(100).write(to: broken)
        try Data("not an image".utf8).write(to: directory.appendingPathComponent("b/text.jpg"))
        let error = assertThrows(ImageFolderError.self) { try ImageFolderDataset.load(directory: directory) }
        guard case .undecodable(let path, _, let others)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(path, broken.path)
        XCTAssertEqual(others, 1)
        XCTAssertTrue(error!.description.hasPrefix("\(broken.path) is not a usable image"))
    }

    func testFolderWithoutImagesIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cats"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: directory.appendingPathComponent("cats/notes.txt"))
        XCTAssertFalse(ImageFolderDataset.isImageFolder(directory))
        XCTAssertEqual(assertThrows(ImageFolderError.self) { try ImageFolderDataset.load(directory: directory) }, .noImages(directory: directory.path))
        // train/ with images but an empty test/: the test folder is named.
        let split = try folder(["train/a/1.png": "grey.png", "train/b/2.png": "grey.png"])
        try FileManager.default.createDirectory(at: split.appendingPathComponent("test/a"), withIntermediateDirectories: true)
        XCTAssertEqual(assertThrows(ImageFolderError.self) { try ImageFolderDataset.load(directory: split) },
                       .noImages(directory: split.appendingPathComponent("test").path))
    }

    /// A temporary image folder: each key a path inside it, each value a file of Fixtures/files.
    private func folder(_ files: [String: String]) throws -> URL {
        let directory = try makeTemporaryDirectory()
        for (path, fixture) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: ImageFixtures.files.appendingPathComponent(fixture), to: url)
        }
        return directory
    }
}
