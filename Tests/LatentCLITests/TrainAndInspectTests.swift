import Foundation
import XCTest

/// The VAE commands end to end on a small cut of Fashion-MNIST.
final class TrainAndInspectTests: XCTestCase {
    var data: URL!
    var workspace: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        data = try CLIHarness.smallFashionMNIST(train: 600, test: 200)
        workspace = try CLIHarness.temporaryFolder()
    }

    override func tearDownWithError() throws {
        for url in [data, workspace].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func train(_ out: URL, epochs: Int, extra: [String] = []) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "64", "--latent", "2", "--batch-size", "50",
                            "--epochs", String(epochs), "--seed", "3", "--threads", "1", "--out", out.path] + extra)
    }

    func testTrainWritesARunFolderAndTheToolsReadIt() throws {
        let run = workspace.appendingPathComponent("run")
        let trained = try train(run, epochs: 2)
        XCTAssertEqual(trained.status, 0, trained.errors)
        for file in ["config.json", "checkpoint.safetensors", "metrics.jsonl", "images/samples-epoch-002.png",
                     "images/reconstructions-epoch-001.png"] {
            XCTAssert(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "missing \(file)")
        }
        let metrics = try CLIHarness.metrics(in: run)
        XCTAssertEqual(metrics.map { $0["split"] as? String }, ["train", "test", "train", "test"])
        for record in metrics {
            for key in ["epoch", "split", "elbo", "reconstruction", "kl", "beta", "seconds"] { XCTAssertNotNil(record[key], key) }
            XCTAssertLessThan(record["elbo"] as! Double, 0, "the ELBO of image data is a negative number")
        }
        let firstTest = metrics[1]["elbo"] as! Double, secondTest = metrics[3]["elbo"] as! Double
        XCTAssertGreaterThan(secondTest, firstTest, "the test ELBO should rise in the second epoch")

        let evaluated = try CLIHarness.run(["eval", run.path, "--importance-samples", "20", "--limit", "50", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        XCTAssertEqual(report["examples"] as? Int, 50)
        XCTAssertEqual(report["importance_samples"] as? Int, 20)
        let elbo = report["elbo"] as! Double, logLikelihood = report["log_likelihood"] as! Double
        XCTAssertLessThan(logLikelihood, 0)
        XCTAssertGreaterThanOrEqual(logLikelihood, elbo - 1, "the importance-weighted bound is at least the ELBO")
        XCTAssertEqual((report["reconstruction"] as! Double) + (report["kl"] as! Double), -elbo, accuracy: 1e-6)
        XCTAssertNil(report["bits_per_dim"], "continuous pixels have no bits/dim")

        for arguments in [["sample", run.path, "--count", "16"], ["reconstruct", run.path, "--count", "8"],
                          ["manifold", run.path, "--steps", "5"], ["interpolate", run.path, "--from", "0", "--to", "1", "--steps", "4", "--spherical"]] {
            let result = try CLIHarness.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.errors)")
            let png = try Data(contentsOf: URL(fileURLWithPath: result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(arguments) did not write a PNG")
        }
        let encoded = try CLIHarness.run(["encode", run.path, "--limit", "10"])
        XCTAssertEqual(encoded.status, 0, encoded.errors)
        let csv = try String(contentsOf: run.appendingPathComponent("codes.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 11)
        XCTAssertEqual(csv[0], "label,mean_0,mean_1,logvar_0,logvar_1")
        let npy = try Data(contentsOf: run.appendingPathComponent("codes-mean.npy"))
        XCTAssertEqual(Array(npy.prefix(6)), [0x93] + Array("NUMPY".utf8))
        XCTAssertEqual(npy.count, 128 + 10 * 2 * 4, "64-byte aligned header plus 10×2 float32 values")
    }

    /// Two epochs, or one epoch then --resume to two: the same weights, bit for bit.
    func testResumeGivesTheSameWeightsAsAnUninterruptedRun() throws {
        let straight = workspace.appendingPathComponent("straight"), resumed = workspace.appendingPathComponent("resumed")
        XCTAssertEqual(try train(straight, epochs: 2).status, 0)
        XCTAssertEqual(try train(resumed, epochs: 1).status, 0)
        let continued = try CLIHarness.run(["train", "vae", "--out", resumed.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(continued.status, 0, continued.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(resumed))
        XCTAssertEqual(try CLIHarness.metrics(in: resumed).count, 4)
    }
}
