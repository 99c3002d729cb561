import Foundation
import XCTest

/// Bad CIFAR-10 batches and image folders: one sentence naming the file, a non-zero exit, and
/// no run folder made.
final class ImageDataBadInputTests: XCTestCase {
    private var workspace: URL!
    private var fixtures: URL { ImageDataCommandTests.fixtures }

    override func setUpWithError() throws { workspace = try CLIHarness.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    /// Trains a VAE on `data` and checks the refusal names each of `fragments` and leaves no run.
    private func assertRefused(_ data: URL, extra: [String] = [], mentioning fragments: [String],
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let out = workspace.appendingPathComponent("run")
        let result = try CLIHarness.run(["train", "vae", "--data", data.path, "--out", out.path] + extra)
        CLIHarness.assertRefused(result, mentioning: fragments, file: file, line: line)
        XCTAssertEqual(result.errors.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1, result.errors, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused run must not leave a folder", file: file, line: line)
    }

    /// A folder holding `bytes` as data_batch_1.bin.
    private func cifarFolder(_ bytes: Data) throws -> URL {
        let folder = workspace.appendingPathComponent("cifar-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try bytes.write(to: folder.appendingPathComponent("data_batch_1.bin"))
        return folder
    }

    /// An image folder with each fixture file (of Fixtures/files) at the path given.
    private func imageFolder(_ files: [String: String]) throws -> URL {
        let folder = workspace.appendingPathComponent("images-\(UUID().uuidString)")
        for (path, fixture) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: fixtures.appendingPathComponent("files/\(fixture)"), to: url)
        }
        return folder
    }

    func testTruncatedCIFARBatch() throws {
        let batch = try Data(contentsOf: fixtures.appendingPathComponent("cifar10/data_batch_1.bin"))
        let folder = try cifarFolder(batch.prefix(3 * 3073 - 100))
        try assertRefused(folder, mentioning: [folder.appendingPathComponent("data_batch_1.bin").path, "3073-byte records", "truncated"])
    }

    func testCIFARLabelOutOfRange() throws {
        var batch = try Data(contentsOf: fixtures.appendingPathComponent("cifar10/data_batch_1.bin")).prefix(4 * 3073)
        batch[batch.startIndex + 2 * 3073] = 200
        let folder = try cifarFolder(batch)
        try assertRefused(folder, mentioning: [folder.appendingPathComponent("data_batch_1.bin").path, "record 2 has label 200"])
    }

    func testImageFolderWithoutImages() throws {
        let folder = workspace.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("cats"), withIntermediateDirectories: true)
        try Data("not a picture".utf8).write(to: folder.appendingPathComponent("cats/readme.txt"))
        try assertRefused(folder, mentioning: [folder.path, "none of the folders", "one subfolder per class"])
    }

    func testImagesOfMixedSizesWithoutImageSize() throws {
        let folder = try imageFolder(["a/small.png": "grey.png", "b/large.png": "colour-48x40.png"])
        try assertRefused(folder, mentioning: [folder.appendingPathComponent("b/large.png").path, "48×40", "--image-size"])
    }

    func testFileThatDoesNotDecode() throws {
        let folder = try imageFolder(["a/1.png": "grey.png", "a/2.png": "grey.png", "b/3.jpg": "grey.jpg"])
        let broken = folder.appendingPathComponent("b/4.jpg")
        try Data(contentsOf: fixtures.appendingPathComponent("files/grey.jpg")).prefix(200).write(to: broken)
        try assertRefused(folder, mentioning: [broken.path, "does not decode as JPEG"])
        try Data("<html>".utf8).write(to: broken)
        try assertRefused(folder, mentioning: [broken.path, "neither a PNG nor a JPEG"])
    }

    func testImageSizeIsOnlyForImageFolders() throws {
        try assertRefused(fixtures.appendingPathComponent("cifar10"), extra: ["--image-size", "16"], mentioning: ["--image-size 16", "CIFAR-10 folder"])
        try assertRefused(fixtures.appendingPathComponent("imagefolder-grey"), extra: ["--image-size", "0"], mentioning: ["--image-size", "not 0"])
    }
}
