import Foundation
import XCTest

/// `--data` given a CIFAR-10 folder or an image folder: grey image folders train, evaluate,
/// sample and resume with today's models; colour data are read, and refused in one sentence by the
/// models of grey images (the VAEs, the PixelCNN and the independent-pixels baseline model colour:
/// ColourVAECommandTests, ColourPixelCNNCommandTests).
final class ImageDataCommandTests: XCTestCase {
    /// The committed fixtures of DatasetsTests (a CIFAR-10 excerpt, image folders, single files).
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures")
    private var workspace: URL!

    override func setUpWithError() throws { workspace = try CLIHarness.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private func run(_ arguments: [String]) throws -> CLIHarness.Result {
        let result = try CLIHarness.run(arguments)
        XCTAssertEqual(result.status, 0, "latent \(arguments.joined(separator: " ")): \(result.errors)")
        return result
    }

    func testGreyImageFolderTrainsEvaluatesSamplesAndResumesAtTheRecordedImageSize() throws {
        let out = workspace.appendingPathComponent("vae").path
        let data = Self.fixtures.appendingPathComponent("imagefolder-grey").path
        _ = try run(["train", "vae", "--data", data, "--image-size", "8", "--hidden", "16", "--latent", "2",
                     "--batch-size", "8", "--epochs", "1", "--out", out])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as! [String: Any]
        XCTAssertEqual(config["image_size"] as? Int, 8)
        XCTAssertEqual(config["image_height"] as? Int, 8)
        XCTAssertEqual(config["image_width"] as? Int, 8)
        let evaluation = try run(["eval", out, "--json", "--importance-samples", "2"])
        XCTAssertTrue(evaluation.output.contains("\"examples\":10"), evaluation.output)
        _ = try run(["sample", out, "--count", "4"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/images/samples.png"))
        _ = try run(["train", "vae", "--resume", "--epochs", "2", "--out", out])
        XCTAssertEqual(try CLIHarness.metrics(in: URL(fileURLWithPath: out)).compactMap { $0["epoch"] as? Int }.max(), 2)

        // Without --image-size the 16×16 images are used as they are, and config.json has no image_size.
        let plain = workspace.appendingPathComponent("baseline").path
        _ = try run(["train", "independent-pixels", "--data", data, "--batch-size", "8", "--out", plain])
        let plainConfig = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: plain + "/config.json"))) as! [String: Any]
        XCTAssertNil(plainConfig["image_size"])
        XCTAssertEqual(plainConfig["image_height"] as? Int, 16)
    }

    func testColourDataAreReadAndRefusedByGreyModels() throws {
        for (data, command) in [("cifar10", ["autoencoder"]), ("imagefolder-colour", ["autoencoder", "--architecture", "conv"])] {
            let out = workspace.appendingPathComponent("\(data)-\(command[0])")
            let path = Self.fixtures.appendingPathComponent(data).path
            let result = try CLIHarness.run(["train"] + command + ["--data", path, "--out", out.path])
            CLIHarness.assertRefused(result, mentioning: ["--data \(path) holds colour images; `latent train \(command.joined(separator: " "))` models grey images."])
            XCTAssertEqual(result.errors.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused run must not leave a folder")
        }
    }

    func testHeldOutTestSplitIsAnnounced() throws {
        // The grey folder's training classes alone: no test/ subfolder, so a tenth is held out.
        let data = workspace.appendingPathComponent("grey")
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent("imagefolder-grey/train"), to: data)
        let result = try run(["train", "independent-pixels", "--data", data.path, "--batch-size", "9",
                              "--out", workspace.appendingPathComponent("run").path])
        XCTAssertTrue(result.errors.contains("--data \(data.path) has no test images of its own: 3 of 30 training images held out"), result.errors)
        let evaluation = try run(["eval", workspace.appendingPathComponent("run").path, "--json"])
        XCTAssertTrue(evaluation.output.contains("\"examples\":3"), evaluation.output)
    }
}
