import Foundation
import XCTest

/// `latent train conv-vae`, `--conditional` and `latent train autoencoder` end to end on a small
/// cut of Fashion-MNIST, and the errors their flags can meet.
final class ImageModelFamiliesTests: XCTestCase {
    var data: URL!
    var workspace: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        data = try CLIHarness.smallFashionMNIST(train: 400, test: 100)
        workspace = try CLIHarness.temporaryFolder()
    }

    override func tearDownWithError() throws {
        for url in [data, workspace].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func train(_ model: [String], _ out: URL, extra: [String] = []) throws -> CLIHarness.Result {
        try CLIHarness.run(["train"] + model + ["--data", data.path, "--latent", "3", "--batch-size", "50", "--epochs", "1",
                                                "--seed", "2", "--threads", "1", "--out", out.path] + extra)
    }

    static func isPNG(_ path: String) throws -> Bool {
        let png = try Data(contentsOf: URL(fileURLWithPath: path.trimmingCharacters(in: .whitespacesAndNewlines)))
        return Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47]
    }

    func testConditionalConvolutionalVAE() throws {
        let run = workspace.appendingPathComponent("cvae")
        let trained = try train(["conv-vae", "--conditional"], run, extra: ["--channels", "4,8"])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let metrics = try CLIHarness.metrics(in: run)
        XCTAssertEqual(metrics.map { $0["split"] as? String }, ["train", "test"])
        XCTAssertLessThan(metrics[1]["elbo"] as! Double, 0)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(config["architecture"] as? String, "conv")
        XCTAssertEqual(config["conditional"] as? Bool, true)
        XCTAssertEqual(config["class_count"] as? Int, 10)

        let evaluated = try CLIHarness.run(["eval", run.path, "--importance-samples", "5", "--limit", "20", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        for key in ["elbo", "reconstruction", "kl", "log_likelihood", "importance_samples", "examples"] { XCTAssertNotNil(report[key], key) }

        for arguments in [["sample", run.path, "--label", "3", "--count", "8"], ["sample", run.path, "--columns", "4"],
                          ["manifold", run.path, "--steps", "3", "--label", "1"], ["interpolate", run.path, "--from", "0", "--to", "1", "--steps", "3"],
                          ["reconstruct", run.path, "--count", "4"], ["attribute", run.path, "--from-class", "0", "--to-class", "1", "--steps", "3"],
                          ["scatter", run.path, "--limit", "50"]] {
            let result = try CLIHarness.run(arguments)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.errors)")
            XCTAssert(try Self.isPNG(result.output), "\(arguments) did not write a PNG")
        }
        for (arguments, expected) in [(["sample", run.path, "--label", "10"], "--label 10 is out of range"),
                                      (["manifold", run.path, "--steps", "3"], "pass --label K")] {
            let result = try CLIHarness.run(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssert(result.errors.contains(expected), "\(arguments): \(result.errors)")
        }
    }

    func testAutoencoder() throws {
        let run = workspace.appendingPathComponent("ae")
        let trained = try train(["autoencoder", "--architecture", "conv"], run, extra: ["--channels", "4,8"])
        XCTAssertEqual(trained.status, 0, trained.errors)
        for record in try CLIHarness.metrics(in: run) {
            XCTAssert(record["elbo"] is NSNull, "an autoencoder has no ELBO: \(record)")
            XCTAssertGreaterThan(record["reconstruction"] as! Double, 0)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("images/samples-epoch-001.png").path),
                       "an autoencoder has no prior to sample")
        let evaluated = try CLIHarness.run(["eval", run.path, "--limit", "20", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        XCTAssert(report["elbo"] is NSNull && report["log_likelihood"] is NSNull, "\(report)")
        XCTAssertGreaterThan(report["reconstruction"] as! Double, 0)
        XCTAssertEqual(report["examples"] as? Int, 20)

        let encoded = try CLIHarness.run(["encode", run.path, "--limit", "5"])
        XCTAssertEqual(encoded.status, 0, encoded.errors)
        let csv = try String(contentsOf: run.appendingPathComponent("codes.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "label,mean_0,mean_1,mean_2")
        XCTAssertEqual(csv.count, 6)

        let svg = run.appendingPathComponent("codes.svg")
        let scattered = try CLIHarness.run(["scatter", run.path, "--limit", "30", "--out", svg.path])
        XCTAssertEqual(scattered.status, 0, scattered.errors)
        let drawing = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertEqual(drawing.components(separatedBy: "<circle").count - 1, 30, "one circle per test code")
        XCTAssert(drawing.contains("PC1 ("), "a 3-d code is drawn on its principal components")

        let sampled = try CLIHarness.run(["sample", run.path])
        CLIHarness.assertRefused(sampled, mentioning: ["needs a VAE's prior"])
    }

    func testBadFlagsAreNamed() throws {
        let plain = workspace.appendingPathComponent("plain")
        XCTAssertEqual(try train(["vae"], plain, extra: ["--hidden", "16"]).status, 0)
        let labelled = try CLIHarness.run(["sample", plain.path, "--label", "1"])
        CLIHarness.assertRefused(labelled, mentioning: ["unconditional"])

        let tooDeep = workspace.appendingPathComponent("too-deep")
        let refused = try train(["conv-vae"], tooDeep, extra: ["--channels", "2,2,2,2,2"])
        CLIHarness.assertRefused(refused, mentioning: ["28×28", "too small"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: tooDeep.path), "a refused run must not leave a folder")

        let families = try train(["vae"], workspace.appendingPathComponent("families"), extra: ["--posterior", "laplace", "--prior", "gumbel"])
        CLIHarness.assertRefused(families, mentioning: ["--prior gumbel"])
        let unknown = try train(["vae"], workspace.appendingPathComponent("unknown"), extra: ["--posterior", "cauchy"])
        XCTAssert(unknown.errors.contains("--posterior"), unknown.errors)
    }

    /// A Laplace posterior under a logistic prior has no closed-form KL: training and evaluation
    /// run on the Monte Carlo estimate and still report a bound below the importance-weighted one.
    func testMonteCarloKLFamilies() throws {
        let run = workspace.appendingPathComponent("laplace")
        let trained = try train(["vae"], run, extra: ["--hidden", "32", "--posterior", "laplace", "--prior", "logistic"])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let evaluated = try CLIHarness.run(["eval", run.path, "--importance-samples", "50", "--limit", "20", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        XCTAssertGreaterThan(report["log_likelihood"] as! Double, (report["elbo"] as! Double) - 1)
        let sampled = try CLIHarness.run(["manifold", run.path, "--steps", "3"])
        XCTAssertEqual(sampled.status, 0, sampled.errors)
    }
}
