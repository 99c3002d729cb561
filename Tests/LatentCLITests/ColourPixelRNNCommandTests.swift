import Foundation
import XCTest

/// `latent train pixelrnn` on colour data, both layers, with a tiny network: the CIFAR-10 excerpt
/// of the Datasets fixtures (80 training and 40 test records) and the colour image folder, then
/// `eval`, `sample`, `complete`, `report` and `--resume` on the runs; the grey-only flags refused.
final class ColourPixelRNNCommandTests: XCTestCase {
    var workspace: URL!

    override func setUpWithError() throws { workspace = try CLIHarness.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    func testRowLSTMTrainsOnCIFARAndEvaluatesSamplesCompletesAndReports() throws {
        let run = workspace.appendingPathComponent("row")
        let trained = try CLIHarness.run(["train", "pixelrnn", "--layer", "row", "--data", ColourPixelCNNCommandTests.cifar.path,
                                          "--layers", "1", "--hidden", "3", "--input-kernel", "3", "--batch-size", "40", "--epochs", "1",
                                          "--seed", "1", "--threads", "1", "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        XCTAssertTrue(trained.errors.contains("colour, per sub-pixel categorical over 256"), trained.errors)
        let config = try ColourPixelCNNCommandTests.config(run)
        XCTAssertEqual(config["model"] as? String, "pixelrnn")
        XCTAssertEqual(config["image_channels"] as? Int, 3)
        XCTAssertEqual(config["output"] as? String, "categorical")
        XCTAssertEqual(config["levels"] as? Int, 256)
        XCTAssertEqual(config["hidden"] as? Int, 3)

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
        let reported = try CLIHarness.run(["report", run.path])
        XCTAssertEqual(reported.status, 0, reported.errors)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("report.html").path))
    }

    /// The Diagonal BiLSTM on the colour image folder at 8×8, with the default colour state
    /// channels (48), then resumed for a second epoch.
    func testDiagonalBiLSTMTrainsOnAColourFolderWithTheColourDefaultsAndResumes() throws {
        let run = workspace.appendingPathComponent("diagonal")
        let data = ImageDataCommandTests.fixtures.appendingPathComponent("imagefolder-colour").path
        let trained = try CLIHarness.run(["train", "pixelrnn", "--layer", "diagonal", "--data", data, "--image-size", "8", "--layers", "1",
                                          "--batch-size", "4", "--epochs", "1", "--threads", "1", "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let config = try ColourPixelCNNCommandTests.config(run)
        XCTAssertEqual(config["image_channels"] as? Int, 3)
        XCTAssertEqual(config["hidden"] as? Int, 48)
        let sampled = try CLIHarness.run(["sample", run.path, "--count", "2"])
        XCTAssertEqual(sampled.status, 0, sampled.errors)
        let resumed = try CLIHarness.run(["train", "pixelrnn", "--out", run.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max(), 2)
    }

    func testGreyOnlyFlagsAreRefusedOnColourData() throws {
        let data = ColourPixelCNNCommandTests.cifar.path
        for (extra, fragment) in [(["--binarize", "0.3"], "--binarize 0.3 applies to grey images, but --data \(data) holds colour images"),
                                  (["--output", "bernoulli"], "--output bernoulli applies to grey images"),
                                  (["--levels", "16"], "--levels 16 applies to grey images"),
                                  (["--hidden", "16"], "--hidden must be a multiple of 3 on colour images")] {
            let out = workspace.appendingPathComponent("refused")
            let result = try CLIHarness.run(["train", "pixelrnn", "--data", data, "--epochs", "1", "--out", out.path] + extra)
            CLIHarness.assertRefused(result, mentioning: [fragment])
            XCTAssertEqual(result.errors.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1, result.errors)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused run must not leave a folder")
        }
    }
}
