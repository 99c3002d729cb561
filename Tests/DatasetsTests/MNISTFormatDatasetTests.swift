import Datasets
import Foundation
import XCTest

/// Loading a folder in MNIST's four-file layout, built from tiny files in a temporary directory.
final class MNISTFormatDatasetTests: XCTestCase {
    /// Writes a complete dataset folder: 3 training and 2 test images of 2×4 pixels, with the
    /// training files raw and the test files gzipped, as a mixed folder must also load.
    private func makeDatasetFolder(testImageSize: (rows: Int, columns: Int) = (2, 4),
                                   testLabelCount: Int = 2) throws -> URL {
        let directory = try makeTemporaryDirectory()
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleImages,
                                  to: directory.appendingPathComponent("train-images-idx3-ubyte"))
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleLabels,
                                  to: directory.appendingPathComponent("train-labels-idx1-ubyte"))
        let testPixels = [UInt8](repeating: 200, count: 2 * testImageSize.rows * testImageSize.columns)
        try IDXTestFiles.writeGzip(
            IDXTestFiles.bytes(dimensions: [2, testImageSize.rows, testImageSize.columns], data: testPixels),
            to: directory.appendingPathComponent("t10k-images-idx3-ubyte.gz"))
        try IDXTestFiles.writeGzip(
            IDXTestFiles.bytes(dimensions: [testLabelCount], data: (0..<testLabelCount).map { UInt8($0 % 10) }),
            to: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        return directory
    }

    func testLoadsBothSplitsFromMixedRawAndGzipFiles() throws {
        let directory = try makeDatasetFolder()

        let dataset = try MNISTFormatDataset(directory: directory)

        XCTAssertEqual(dataset.train.count, 3)
        XCTAssertEqual(dataset.test.count, 2)
        XCTAssertEqual(dataset.rows, 2)
        XCTAssertEqual(dataset.columns, 4)
        XCTAssertEqual(dataset.train.images.pixels, IDXTestFiles.sampleImagePixels)
        XCTAssertEqual(dataset.train.labels.labels, [7, 0, 9])
        XCTAssertEqual(dataset.test.labels.labels, [0, 1])
        XCTAssertEqual(dataset.test.imagesURL.lastPathComponent, "t10k-images-idx3-ubyte.gz")
    }

    func testPrefersRawFileWhenBothExist() throws {
        let directory = try makeDatasetFolder()
        try IDXTestFiles.writeGzip(IDXTestFiles.sampleLabels,
                                   to: directory.appendingPathComponent("train-labels-idx1-ubyte.gz"))

        let url = try MNISTFormatDataset.locateFile(named: "train-labels-idx1-ubyte", in: directory)

        XCTAssertEqual(url.lastPathComponent, "train-labels-idx1-ubyte")
    }

    func testCountMismatchNamesBothFilesAndCounts() throws {
        let directory = try makeDatasetFolder(testLabelCount: 5)
        let error = assertThrows(DatasetFolderError.self) { try MNISTFormatDataset(directory: directory) }
        let images = directory.appendingPathComponent("t10k-images-idx3-ubyte.gz").path
        let labels = directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz").path
        XCTAssertEqual(error, .countMismatch(imagesPath: images, imageCount: 2, labelsPath: labels, labelCount: 5))
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("\(images) holds 2 images"), message)
        XCTAssertTrue(message.contains("\(labels) holds 5 labels"), message)
    }

    func testTrainAndTestImageSizesMustAgree() throws {
        let directory = try makeDatasetFolder(testImageSize: (3, 3))
        let error = assertThrows(DatasetFolderError.self) { try MNISTFormatDataset(directory: directory) }
        guard case .imageSizeMismatch(_, 2, 4, _, 3, 3)? = error else {
            return XCTFail("expected imageSizeMismatch, got \(String(describing: error))")
        }
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("are 2×4 pixels"), message)
        XCTAssertTrue(message.contains("are 3×3."), message)
    }

    func testMissingFolder() throws {
        let directory = try makeTemporaryDirectory().appendingPathComponent("nowhere")
        let error = assertThrows(DatasetFolderError.self) { try MNISTFormatDataset(directory: directory) }
        XCTAssertEqual(error, .directoryMissing(path: directory.path, installHint: nil))
        XCTAssertEqual(error?.description, "Dataset folder \(directory.path) does not exist.")
    }

    func testPathThatIsAFile() throws {
        let file = try makeTemporaryDirectory().appendingPathComponent("a-file")
        try IDXTestFiles.writeRaw([1], to: file)
        let error = assertThrows(DatasetFolderError.self) { try MNISTFormatDataset(directory: file) }
        XCTAssertEqual(error, .notADirectory(path: file.path))
    }

    func testMissingFileNamesIt() throws {
        let directory = try makeDatasetFolder()
        try FileManager.default.removeItem(at: directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz"))
        let error = assertThrows(DatasetFolderError.self) { try MNISTFormatDataset.load(.test, from: directory) }
        XCTAssertEqual(error, .fileMissing(directory: directory.path, fileName: "t10k-labels-idx1-ubyte",
                                           installHint: nil))
        XCTAssertEqual(error?.description, "Dataset folder \(directory.path) has neither t10k-labels-idx1-ubyte "
                       + "nor t10k-labels-idx1-ubyte.gz.")
    }

    func testDefaultLocationTellsHowToInstall() throws {
        // Whether or not the Debian package is installed here, something is missing at the
        // default location: the folder itself, or a file that is never there.
        let directory = MNISTFormatDataset.fashionMNISTDirectory
        let error = assertThrows(DatasetFolderError.self) {
            try MNISTFormatDataset.locateFile(named: "no-such-file-idx1-ubyte", in: directory)
        }
        let message = error?.description ?? ""
        XCTAssertTrue(message.contains("/usr/share/datasets/fashion-mnist"), message)
        XCTAssertTrue(message.contains("`apt-get install dataset-fashion-mnist` provides it"), message)
        XCTAssertTrue(message.hasSuffix("."), message)
    }

    func testIDXErrorsPassThroughTheLoader() throws {
        let directory = try makeDatasetFolder()
        try IDXTestFiles.writeRaw(Array("not idx".utf8),
                                  to: directory.appendingPathComponent("train-images-idx3-ubyte"))
        let error = assertThrows(IDXError.self) { try MNISTFormatDataset(directory: directory) }
        guard case .notIDX? = error else { return XCTFail("expected notIDX, got \(String(describing: error))") }
    }
}
