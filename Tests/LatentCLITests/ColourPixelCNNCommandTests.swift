import Foundation
import XCTest

/// `latent train pixelcnn` and `independent-pixels` on colour data (the CIFAR-10 excerpt of the
/// Datasets fixtures: 80 training and 40 test records), and `eval`, `sample`, `complete` and
/// `--resume` on the run, with a tiny network; the grey-only flags refused.
final class ColourPixelCNNCommandTests: XCTestCase {
    static let cifar = ImageDataCommandTests.fixtures.appendingPathComponent("cifar10")
    var workspace: URL!

    override func setUpWithError() throws { workspace = try CLIHarness.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    func train(_ out: URL, epochs: Int, extra: [String] = []) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "pixelcnn", "--data", Self.cifar.path, "--channels", "6", "--blocks", "1", "--first-kernel", "3",
                            "--batch-size", "40", "--epochs", String(epochs), "--seed", "1", "--threads", "1", "--out", out.path] + extra)
    }

    static func config(_ run: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
    }

    func testTrainEvaluateSampleCompleteAndResume() throws {
        let run = workspace.appendingPathComponent("colour")
        let trained = try train(run, epochs: 1)
        XCTAssertEqual(trained.status, 0, trained.errors)
        XCTAssertTrue(trained.errors.contains("colour, per sub-pixel categorical over 256"), trained.errors)
        let config = try Self.config(run)
        XCTAssertEqual(config["image_channels"] as? Int, 3)
        XCTAssertEqual(config["output"] as? String, "categorical")
        XCTAssertEqual(config["levels"] as? Int, 256)
        XCTAssertEqual(config["image_height"] as? Int, 32)

        let evaluated = try CLIHarness.run(["eval", run.path, "--limit", "10", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        let logLikelihood = report["log_likelihood"] as! Double, bits = report["bits_per_dim"] as! Double
        XCTAssertEqual(bits, -logLikelihood / (3 * 32 * 32 * log(2)), accuracy: 1e-9)
        // A tiny network after two steps is near uniform over 256 levels, 8 bits/dim.
        XCTAssertEqual(bits, 8, accuracy: 0.3)
        XCTAssertEqual(report["examples"] as? Int, 10)

        for arguments in [["sample", run.path, "--count", "2", "--columns", "2"], ["complete", run.path, "--count", "1", "--samples", "1"]] {
            let result = try CLIHarness.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.errors)")
            let png = try Data(contentsOf: URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(arguments) did not write a PNG")
            XCTAssertEqual(png[25], 2, "\(arguments): PNG colour type \(png[25]), not RGB")
        }

        let resumed = try CLIHarness.run(["train", "pixelcnn", "--out", run.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max(), 2)
    }

    /// On the colour image folder at 8×8 (11 training images, one held out), which keeps it quick.
    func testIndependentSubPixelsLearnColour() throws {
        let run = workspace.appendingPathComponent("baseline")
        let data = ImageDataCommandTests.fixtures.appendingPathComponent("imagefolder-colour").path
        let trained = try CLIHarness.run(["train", "independent-pixels", "--data", data, "--image-size", "8", "--batch-size", "1",
                                          "--epochs", "3", "--threads", "1", "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        XCTAssertEqual(try Self.config(run)["image_channels"] as? Int, 3)
        // On the training images, which 33 steps fit; the one held-out image is too few to judge by.
        let training = try CLIHarness.metrics(in: run).filter { $0["split"] as? String == "train" }
        XCTAssertLessThan(training.last!["bits_per_dim"] as! Double, 7.9, "the marginals should beat uniform over 256 levels (8 bits/dim)")
        let evaluated = try CLIHarness.run(["eval", run.path, "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        XCTAssertTrue(evaluated.output.contains("\"examples\":1"), evaluated.output)
        let sampled = try CLIHarness.run(["sample", run.path, "--count", "2"])
        XCTAssertEqual(sampled.status, 0, sampled.errors)
    }

    func testGreyOnlyFlagsAreRefusedOnColourData() throws {
        let data = Self.cifar.path
        for (extra, fragment) in [(["--binarize", "0.3"], "--binarize 0.3 applies to grey images, but --data \(data) holds colour images"),
                                  (["--output", "bernoulli"], "--output bernoulli applies to grey images"),
                                  (["--levels", "16"], "--levels 16 applies to grey images"),
                                  (["--gated"], "--gated applies to grey images"),
                                  (["--channels", "8"], "--channels must be a multiple of 3 on colour images")] {
            let out = workspace.appendingPathComponent("refused")
            let result = try CLIHarness.run(["train", "pixelcnn", "--data", data, "--epochs", "1", "--out", out.path] + extra)
            CLIHarness.assertRefused(result, mentioning: [fragment])
            XCTAssertEqual(result.errors.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1, result.errors)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused run must not leave a folder")
        }
    }
}
