import Foundation
import XCTest

/// `latent train independent-pixels`, then eval, sample and resume on its run; `complete`, which
/// the baseline cannot do, refused in one sentence.
final class IndependentPixelsCommandTests: XCTestCase {
    func testTrainEvaluateSampleAndResume() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        let data = try CLIHarness.smallFashionMNIST(train: 256, test: 64)
        let workspace = try CLIHarness.temporaryFolder()
        defer { for url in [data, workspace] { try? FileManager.default.removeItem(at: url) } }
        let run = workspace.appendingPathComponent("baseline")
        let trained = try CLIHarness.run(["train", "independent-pixels", "--data", data.path, "--batch-size", "32", "--epochs", "1",
                                          "--threads", "1", "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(config["model"] as? String, "independent-pixels")

        let evaluation = try CLIHarness.run(["eval", run.path, "--json"])
        XCTAssertEqual(evaluation.status, 0, evaluation.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as! [String: Any]
        let logLikelihood = try XCTUnwrap(report["log_likelihood"] as? Double)
        let bits = try XCTUnwrap(report["bits_per_dim"] as? Double)
        XCTAssertEqual(report["model"] as? String, "independent-pixels")
        XCTAssertEqual(report["examples"] as? Int, 64)
        XCTAssertEqual(bits, -logLikelihood / (784 * log(2)), accuracy: 1e-9)
        XCTAssertLessThan(bits, 1, "better than a coin per pixel after one epoch")

        let sampled = try CLIHarness.run(["sample", run.path, "--count", "4", "--columns", "2"])
        XCTAssertEqual(sampled.status, 0, sampled.errors)
        CLIHarness.assertRefused(try CLIHarness.run(["complete", run.path]), mentioning: ["latent complete", "independent pixels"])

        let resumed = try CLIHarness.run(["train", "independent-pixels", "--out", run.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max(), 2)
        CLIHarness.assertRefused(try CLIHarness.run(["train", "pixelcnn", "--out", run.path, "--resume"]),
                                 mentioning: ["independent-pixels", "pixelcnn"])
    }
}
