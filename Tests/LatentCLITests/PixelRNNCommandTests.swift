import Foundation
import XCTest

/// `latent train pixelrnn`, both layers, and `eval`, `sample` and `complete` on its runs, on a
/// small cut of Fashion-MNIST with a small network.
final class PixelRNNCommandTests: XCTestCase {
    var data: URL!
    var workspace: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        data = try CLIHarness.smallFashionMNIST(train: 64, test: 40)
        workspace = try CLIHarness.temporaryFolder()
    }

    override func tearDownWithError() throws {
        for url in [data, workspace].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func train(_ out: URL, layer: String, epochs: Int, extra: [String] = []) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "pixelrnn", "--layer", layer, "--data", data.path, "--binarize", "0.5", "--layers", "1",
                            "--hidden", "4", "--batch-size", "16", "--epochs", String(epochs), "--seed", "1", "--threads", "1",
                            "--out", out.path] + extra)
    }

    func testBothLayersTrainEvaluateSampleAndComplete() throws {
        for layer in ["row", "diagonal"] {
            let run = workspace.appendingPathComponent(layer)
            let trained = try train(run, layer: layer, epochs: 2)
            XCTAssertEqual(trained.status, 0, trained.errors)
            let metrics = try CLIHarness.metrics(in: run)
            XCTAssertEqual(metrics.map { $0["split"] as? String }, ["train", "test", "train", "test"])
            let (first, second) = (metrics[1]["nll"] as! Double, metrics[3]["nll"] as! Double)
            XCTAssertLessThan(second, first, "\(layer): the test NLL should fall in the second epoch")
            let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
            XCTAssertEqual(configuration["model"] as? String, "pixelrnn")
            XCTAssertEqual(configuration["layer"] as? String, layer)

            let evaluated = try CLIHarness.run(["eval", run.path, "--limit", "20", "--json"])
            XCTAssertEqual(evaluated.status, 0, evaluated.errors)
            let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
            let logLikelihood = report["log_likelihood"] as! Double
            XCTAssertEqual(report["bits_per_dim"] as! Double, -logLikelihood / (784 * log(2)), accuracy: 1e-9)
            XCTAssertEqual(report["examples"] as? Int, 20)
            XCTAssertEqual(-logLikelihood, second, accuracy: 40, "\(layer): eval on 20 images far from the epoch's test NLL")

            for arguments in [["sample", run.path, "--count", "4", "--columns", "2"], ["complete", run.path, "--count", "2", "--samples", "2"]] {
                let result = try CLIHarness.run(arguments)
                XCTAssertEqual(result.status, 0, "\(arguments): \(result.errors)")
                let png = try Data(contentsOf: URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
                XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "\(arguments) did not write a PNG")
            }
        }
    }

    /// One epoch, then --resume to two: the same weights, bit for bit, as two epochs straight.
    func testResumeIsBitIdentical() throws {
        let straight = workspace.appendingPathComponent("straight"), resumed = workspace.appendingPathComponent("resumed")
        XCTAssertEqual(try train(straight, layer: "diagonal", epochs: 2).status, 0)
        XCTAssertEqual(try train(resumed, layer: "diagonal", epochs: 1).status, 0)
        let continued = try CLIHarness.run(["train", "pixelrnn", "--out", resumed.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(continued.status, 0, continued.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(resumed))
    }

    /// Bad flags get one sentence and leave nothing behind; a PixelRNN flag is not a PixelCNN's,
    /// and a PixelCNN run is not resumed as a PixelRNN.
    func testBadInputIsRefused() throws {
        let bad = workspace.appendingPathComponent("bad")
        CLIHarness.assertRefused(try train(bad, layer: "column", epochs: 1), mentioning: ["--layer must be row or diagonal"])
        CLIHarness.assertRefused(try train(bad, layer: "row", epochs: 1, extra: ["--hidden", "0"]), mentioning: ["--hidden"])
        CLIHarness.assertRefused(try train(bad, layer: "row", epochs: 1, extra: ["--input-kernel", "4"]), mentioning: ["--input-kernel"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: bad.path))
        let pixelCNNFlag = try CLIHarness.run(["train", "pixelcnn", "--layer", "row", "--out", bad.path])
        CLIHarness.assertRefused(pixelCNNFlag, mentioning: ["--layer"])
        let pixelCNN = workspace.appendingPathComponent("pixelcnn")
        let trained = try CLIHarness.run(["train", "pixelcnn", "--data", data.path, "--channels", "4", "--blocks", "1", "--batch-size", "32",
                                          "--epochs", "1", "--threads", "1", "--out", pixelCNN.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let before = try CLIHarness.modelBytes(pixelCNN)
        let resumed = try CLIHarness.run(["train", "pixelrnn", "--out", pixelCNN.path, "--resume", "--epochs", "2"])
        CLIHarness.assertRefused(resumed, mentioning: ["'pixelcnn' run, not a 'pixelrnn' run"])
        XCTAssertEqual(try CLIHarness.modelBytes(pixelCNN), before)
    }
}
