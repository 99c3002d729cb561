import Datasets
import Foundation
import XCTest

/// CIFAR-10's binary layout, against the committed excerpt's raw bytes.
final class CIFARTests: XCTestCase {
    func testRecordsDecodeToTheFileBytesInRedGreenBluePlaneOrder() throws {
        let raw = try ImageFixtures.bytes("cifar10/data_batch_1.bin")
        let images = try CIFARBatch.read(at: ImageFixtures.cifar.appendingPathComponent("data_batch_1.bin"))
        XCTAssertEqual(images.count, 80)
        XCTAssertEqual([images.channels, images.rows, images.columns], [3, 32, 32])
        XCTAssertTrue(images.isColour)
        XCTAssertEqual(images.dimension, 3072)
        for index in [0, 1, 41, 79] {
            let start = index * 3073
            XCTAssertEqual(images.labels[index], Int(raw[start]), "label of record \(index)")
            let levels = Array(images.levels[(index * 3072)..<((index + 1) * 3072)])
            XCTAssertEqual(levels, Array(raw[(start + 1)..<(start + 3073)]), "pixels of record \(index)")
        }
        // Intensities are p/255 exactly, and the planes are R, G, B: the top-left pixel's red,
        // green and blue bytes sit 1,024 apart in the file.
        XCTAssertEqual(images.intensities[0], Float(raw[1]) / 255)
        XCTAssertEqual(images.intensities[1024], Float(raw[1 + 1024]) / 255)
        XCTAssertEqual(images.intensities[2048], Float(raw[1 + 2048]) / 255)
        // The labels make-fixtures.py filed the first ten records under (deer, dog, deer, frog, …).
        XCTAssertEqual(Array(images.labels.prefix(10)), [4, 5, 4, 6, 0, 9, 5, 5, 3, 7])
    }

    func testTheColourPNGOfRecordZeroHasTheSamePlanes() throws {
        // make-fixtures.py interleaved record 0's planes into colour.png; decoding it and laying it
        // out as planes again must give the record's bytes, which pins the R → G → B order.
        let record = try ImageFixtures.cifarRecord(0)
        let png = try ImageFileDecoder.decode(try ImageFixtures.bytes("files/colour.png"))
        XCTAssertEqual(png.planes, record.planes)
        let images = try CIFARBatch.read(at: ImageFixtures.cifar.appendingPathComponent("data_batch_1.bin"))
        XCTAssertEqual(png.pixels[0], images.levels[0])        // red of the top-left pixel
        XCTAssertEqual(png.pixels[1], images.levels[1024])     // green
        XCTAssertEqual(png.pixels[2], images.levels[2048])     // blue
    }

    func testFolderWithTestBatchLoadsBothSplitsAndTheClassNames() throws {
        let dataset = try CIFAR10Folder.load(directory: ImageFixtures.cifar)
        XCTAssertEqual(dataset.training.count, 80)
        XCTAssertEqual(dataset.test.count, 40)
        XCTAssertEqual(dataset.testSplit, .files("test_batch.bin"))
        XCTAssertEqual(dataset.classNames, ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        let raw = try ImageFixtures.bytes("cifar10/test_batch.bin")
        XCTAssertEqual(dataset.test.labels[3], Int(raw[3 * 3073]))
        XCTAssertEqual(Array(dataset.test.levels[(3 * 3072)..<(4 * 3072)]), Array(raw[(3 * 3073 + 1)..<(4 * 3073)]))
    }

    func testFolderWithoutTestBatchHoldsOutATenthWithAFixedSeed() throws {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.copyItem(at: ImageFixtures.cifar.appendingPathComponent("data_batch_1.bin"),
                                         to: directory.appendingPathComponent("data_batch_1.bin"))
        let dataset = try CIFAR10Folder.load(directory: directory)
        XCTAssertEqual(dataset.training.count, 72)
        XCTAssertEqual(dataset.test.count, 8)
        XCTAssertEqual(dataset.testSplit, .heldOut(count: 8, of: 80, seed: HeldOutTestSplit.seed))
        XCTAssertTrue(dataset.testSplit.isHeldOut)
        XCTAssertEqual(dataset.classNames, CIFAR10Folder.standardClassNames)
        // The same images every time, and together with the training images every record once.
        let again = try CIFAR10Folder.load(directory: directory)
        XCTAssertEqual(again.test.levels, dataset.test.levels)
        let all = try CIFARBatch.read(at: directory.appendingPathComponent("data_batch_1.bin")).levels
        let (training, test) = (dataset.training.levels, dataset.test.levels)
        let records = Set((0..<80).map { Array(all[($0 * 3072)..<(($0 + 1) * 3072)]) })
        let split = Set((0..<72).map { Array(training[($0 * 3072)..<(($0 + 1) * 3072)]) })
            .union((0..<8).map { Array(test[($0 * 3072)..<(($0 + 1) * 3072)]) })
        XCTAssertEqual(split, records)
    }

    func testTestBatchMayBeALinkToAnotherBatch() throws {
        let directory = try makeTemporaryDirectory(), elsewhere = try makeTemporaryDirectory()
        try FileManager.default.copyItem(at: ImageFixtures.cifar.appendingPathComponent("data_batch_1.bin"),
                                         to: directory.appendingPathComponent("data_batch_1.bin"))
        let other = elsewhere.appendingPathComponent("data_batch_2.bin")
        try FileManager.default.copyItem(at: ImageFixtures.cifar.appendingPathComponent("test_batch.bin"), to: other)
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("test_batch.bin"), withDestinationURL: other)
        let dataset = try CIFAR10Folder.load(directory: directory)
        XCTAssertEqual(dataset.training.count, 80)
        XCTAssertEqual(dataset.test.count, 40)
        XCTAssertEqual(dataset.testSplit, .files("test_batch.bin"))
    }

    func testTruncatedBatchIsRefusedNamingTheFile() throws {
        let bytes = try ImageFixtures.bytes("cifar10/data_batch_1.bin").prefix(2 * 3073 - 5)
        let error = assertThrows(CIFARError.self) { try CIFARBatch.images(Data(bytes), path: "/data/data_batch_1.bin") }
        XCTAssertEqual(error, .truncated(path: "/data/data_batch_1.bin", length: 2 * 3073 - 5))
        XCTAssertTrue(error?.description.contains("/data/data_batch_1.bin") == true)
        XCTAssertEqual(assertThrows(CIFARError.self) { try CIFARBatch.images(Data(), path: "empty.bin") }, .truncated(path: "empty.bin", length: 0))
    }

    func testLabelAboveNineIsRefusedNamingTheRecord() throws {
        var bytes = try ImageFixtures.bytes("cifar10/data_batch_1.bin").prefix(3 * 3073)
        bytes[bytes.startIndex + 3073] = 10
        let error = assertThrows(CIFARError.self) { try CIFARBatch.images(Data(bytes), path: "b.bin") }
        XCTAssertEqual(error, .labelOutOfRange(path: "b.bin", record: 1, label: 10))
    }

    func testMetaFileMustNameTenClasses() throws {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.copyItem(at: ImageFixtures.cifar.appendingPathComponent("data_batch_1.bin"),
                                         to: directory.appendingPathComponent("data_batch_1.bin"))
        let meta = directory.appendingPathComponent("batches.meta.txt")
        try "cat\ndog\n".write(to: meta, atomically: true, encoding: .utf8)
        XCTAssertEqual(assertThrows(CIFARError.self) { try CIFAR10Folder.load(directory: directory) }, .classNameCount(path: meta.path, count: 2))
    }

    func testFolderWithOnlyATestBatchIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.copyItem(at: ImageFixtures.cifar.appendingPathComponent("test_batch.bin"),
                                         to: directory.appendingPathComponent("test_batch.bin"))
        XCTAssertTrue(CIFAR10Folder.isCIFARFolder(directory))
        XCTAssertEqual(assertThrows(CIFARError.self) { try CIFAR10Folder.load(directory: directory) }, .noTrainingBatch(directory: directory.path))
    }
}
