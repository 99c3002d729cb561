import Foundation
import XCTest

/// Every value from a flag or a config.json is checked where it enters, with one sentence naming
/// the flag or the key, before anything is allocated or trained; none of these crash.
final class ValueBoundsTests: SmallDataTestCase {
    func train(_ extra: [String]) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--epochs", "1", "--threads", "1",
                            "--out", workspace.appendingPathComponent("run-\(UUID().uuidString)").path] + extra)
    }

    func testFlagsOutOfBounds() throws {
        CLIHarness.assertRefused(try train(["--latent", "100000000"]), mentioning: ["--latent", "100000000"])
        CLIHarness.assertRefused(try train(["--hidden", "16,,16"]), mentioning: ["--hidden"])
        CLIHarness.assertRefused(try train(["--threshold", "nan", "--pixels", "static"]), mentioning: ["--threshold"])
        CLIHarness.assertRefused(try train(["--learning-rate", "inf"]), mentioning: ["--learning-rate"])
        CLIHarness.assertRefused(try train(["--optimizer", "sgd", "--momentum", "nan"]), mentioning: ["--momentum"])
        CLIHarness.assertRefused(try train(["--epochs", "1000000000"]), mentioning: ["--epochs"])
        CLIHarness.assertRefused(try train(["--batch-size", "1000"]), mentioning: ["--batch-size", "600"])
        // Negative values are values, not options: each gets its flag's own sentence.
        CLIHarness.assertRefused(try train(["--latent", "-1"]), mentioning: ["--latent", "-1"])
        CLIHarness.assertRefused(try train(["--learning-rate", "-0.5"]), mentioning: ["--learning-rate", "-0.5"])
        CLIHarness.assertRefused(try train(["--epochs", "-3"]), mentioning: ["--epochs", "-3"])
        for result in [try train(["--latent", "-1"]), try train(["--epochs", "-3"])] {
            XCTAssertFalse(result.errors.contains("Missing value"), result.errors)
        }
        // Within each flag's bounds, but more memory than the machine has: refused before anything is allocated.
        CLIHarness.assertRefused(try train(["--hidden", "60000,60000"]), mentioning: ["memory", "--hidden"])
        CLIHarness.assertRefused(try CLIHarness.run(["train", "pixelcnn", "--data", data.path, "--channels", "100000",
                                                     "--out", workspace.appendingPathComponent("p").path]), mentioning: ["--channels"])
    }

    func testThreadCountsOfEveryCommand() throws {
        let run = workspace.appendingPathComponent("run")
        XCTAssertEqual(try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--epochs", "1",
                                           "--threads", "1", "--out", run.path]).status, 0)
        CLIHarness.assertRefused(try CLIHarness.run(["eval", run.path, "--threads", "0"]), mentioning: ["--threads"])
        CLIHarness.assertRefused(try CLIHarness.run(["sample", run.path, "--threads", "0"]), mentioning: ["--threads"])
        CLIHarness.assertRefused(try CLIHarness.run(["sample", run.path, "--count", "100000000000"]), mentioning: ["memory", "--count"])
        // The same values in a config.json: named by their key, and the run folder left as it was.
        let configuration = run.appendingPathComponent("config.json")
        let original = try Data(contentsOf: configuration)
        for (key, value) in [("threads", 0), ("latent_dimension", 0), ("image_height", 1 << 30), ("batch_size", -3)] {
            var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            object[key] = value
            try JSONSerialization.data(withJSONObject: object).write(to: configuration)
            CLIHarness.assertRefused(try CLIHarness.run(["eval", run.path]), mentioning: ["config.json", key])
            CLIHarness.assertRefused(try CLIHarness.run(["train", "vae", "--out", run.path, "--resume", "--epochs", "2"]),
                                     mentioning: ["config.json", key])
        }
        try original.write(to: configuration)
        XCTAssertEqual(try CLIHarness.run(["eval", run.path, "--importance-samples", "2"]).status, 0)
    }

    /// A conditional model whose test labels go beyond the training labels' classes is refused
    /// before training, not at the end of its first epoch.
    func testLabelsOutsideTheTrainingClassesAreRefusedBeforeTraining() throws {
        let labels = data.appendingPathComponent("train-labels-idx1-ubyte")
        var bytes = try Data(contentsOf: labels)
        for index in 8..<bytes.count { bytes[index] = bytes[index] % 5 }   // training classes 0–4; test keeps 0–9
        try bytes.write(to: labels)
        let result = try CLIHarness.run(["train", "conv-vae", "--conditional", "--data", data.path, "--epochs", "1", "--threads", "1",
                                         "--out", workspace.appendingPathComponent("c").path])
        CLIHarness.assertRefused(result, mentioning: ["test label", "5 classes"])
        XCTAssertFalse(result.errors.contains("epoch 1"), "refused before training: \(result.errors)")
    }
}
