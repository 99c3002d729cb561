import Foundation
import XCTest

/// `latent train pixelcnn`, and `eval`, `sample` and `complete` on its run, on a small cut of
/// Fashion-MNIST with a small network.
final class PixelCNNCommandTests: XCTestCase {
    var data: URL!
    var workspace: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        data = try CLIHarness.smallFashionMNIST(train: 200, test: 60)
        workspace = try CLIHarness.temporaryFolder()
    }

    override func tearDownWithError() throws {
        for url in [data, workspace].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func train(_ out: URL, epochs: Int, extra: [String] = []) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "pixelcnn", "--data", data.path, "--binarize", "0.5", "--channels", "8", "--blocks", "1",
                            "--batch-size", "50", "--epochs", String(epochs), "--seed", "1", "--threads", "1", "--out", out.path] + extra)
    }

    func testTrainEvaluateSampleAndComplete() throws {
        let run = workspace.appendingPathComponent("pixelcnn")
        let trained = try train(run, epochs: 2)
        XCTAssertEqual(trained.status, 0, trained.errors)
        let metrics = try CLIHarness.metrics(in: run)
        XCTAssertEqual(metrics.map { $0["split"] as? String }, ["train", "test", "train", "test"])
        let (first, second) = (metrics[1]["nll"] as! Double, metrics[3]["nll"] as! Double)
        XCTAssertLessThan(second, first, "the test NLL should fall in the second epoch")
        XCTAssert(FileManager.default.fileExists(atPath: run.appendingPathComponent("images/samples-epoch-002.png").path))

        let evaluated = try CLIHarness.run(["eval", run.path, "--limit", "20", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        let logLikelihood = report["log_likelihood"] as! Double, bits = report["bits_per_dim"] as! Double
        XCTAssertLessThan(logLikelihood, 0)
        XCTAssertEqual(bits, -logLikelihood / (784 * log(2)), accuracy: 1e-9)
        XCTAssertEqual(report["examples"] as? Int, 20)

        for arguments in [["sample", run.path, "--count", "4", "--columns", "2"], ["complete", run.path, "--count", "2", "--samples", "2"]] {
            let result = try CLIHarness.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.errors)")
            let png = try Data(contentsOf: URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(arguments) did not write a PNG")
        }
        let labelled = try CLIHarness.run(["sample", run.path, "--label", "2"])
        CLIHarness.assertRefused(labelled, mentioning: ["unconditional PixelCNN"])
        let notPixelCNN = try CLIHarness.run(["complete", workspace.path])
        XCTAssertNotEqual(notPixelCNN.status, 0)
    }

    /// One epoch, then --resume to two: the same weights, bit for bit, as two epochs straight.
    func testResumeIsBitIdentical() throws {
        let straight = workspace.appendingPathComponent("straight"), resumed = workspace.appendingPathComponent("resumed")
        XCTAssertEqual(try train(straight, epochs: 2).status, 0)
        XCTAssertEqual(try train(resumed, epochs: 1).status, 0)
        let continued = try CLIHarness.run(["train", "pixelcnn", "--out", resumed.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(continued.status, 0, continued.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(resumed))
    }

    /// The variants train from the command line: gated and class-conditional, and a categorical
    /// output over 4 grey levels.
    func testVariants() throws {
        let gated = workspace.appendingPathComponent("gated")
        let result = try train(gated, epochs: 1, extra: ["--gated", "--conditional"])
        XCTAssertEqual(result.status, 0, result.errors)
        let sampled = try CLIHarness.run(["sample", gated.path, "--count", "2", "--label", "3"])
        XCTAssertEqual(sampled.status, 0, sampled.errors)
        let categorical = try train(workspace.appendingPathComponent("levels"), epochs: 1, extra: ["--output", "categorical", "--levels", "4"])
        XCTAssertEqual(categorical.status, 0, categorical.errors)
        let bad = try train(workspace.appendingPathComponent("bad"), epochs: 1, extra: ["--kernel", "4"])
        CLIHarness.assertRefused(bad, mentioning: ["--kernel must be an odd size"])
    }
}
