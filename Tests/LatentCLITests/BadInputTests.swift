import Foundation
import XCTest

/// Bad input gives one clear sentence naming the culprit, a non-zero exit, and damages nothing.
final class BadInputTests: XCTestCase {
    /// Every folder a test made, removed when it ends.
    private var folders: [URL] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(at: folder) }
        folders = []
    }

    /// A fresh temporary folder that is removed after the test.
    func temporaryFolder() throws -> URL {
        let folder = try CLIHarness.temporaryFolder()
        folders.append(folder)
        return folder
    }

    func assertFails(_ arguments: [String], mentioning fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        CLIHarness.assertRefused(try CLIHarness.run(arguments), mentioning: fragments, file: file, line: line)
    }

    func testMissingDataFolder() throws {
        let out = try temporaryFolder().appendingPathComponent("run")
        try assertFails(["train", "vae", "--data", "/nonexistent/mnist", "--out", out.path], mentioning: ["/nonexistent/mnist"])
    }

    func testWrongMagicAndTruncatedFiles() throws {
        let folder = try temporaryFolder()
        for name in ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            try Data("<!DOCTYPE html>".utf8).write(to: folder.appendingPathComponent(name))
        }
        let out = folder.appendingPathComponent("run")
        try assertFails(["train", "vae", "--data", folder.path, "--out", out.path], mentioning: ["idx", "ubyte"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a failed start must not leave a run folder")
        try (CLIHarness.header(magic: 0x0803, dimensions: [10, 28, 28]) + Data(count: 100))
            .write(to: folder.appendingPathComponent("train-images-idx3-ubyte"))
        try assertFails(["train", "vae", "--data", folder.path, "--out", out.path], mentioning: ["train-images-idx3-ubyte"])
    }

    func testUnknownFlagValues() throws {
        let out = try temporaryFolder().appendingPathComponent("run")
        try assertFails(["train", "vae", "--likelihood", "poisson", "--out", out.path], mentioning: ["--likelihood", "poisson"])
        try assertFails(["train", "vae", "--pixels", "grey", "--out", out.path], mentioning: ["--pixels"])
        try assertFails(["train", "vae", "--hidden", "400,x", "--out", out.path], mentioning: ["--hidden"])
        try assertFails(["train", "vae", "--optimizer", "lbfgs", "--out", out.path], mentioning: ["--optimizer"])
        // β is read by one parser for every model with a KL term: image models refuse a schedule of zero steps too.
        for model in ["vae", "conv-vae", "sentence-vae"] {
            try assertFails(["train", model, "--beta-steps", "0", "--out", out.path], mentioning: ["--beta-steps", "0"])
        }
        try assertFails(["eval", "--importance-samples", "0", out.path], mentioning: ["--importance-samples"])
        // Free bits need the KL per latent dimension in closed form: a VAE with Gaussian posterior and prior.
        try assertFails(["train", "autoencoder", "--free-bits", "0.1", "--out", out.path], mentioning: ["--free-bits", "Gaussian"])
        try assertFails(["train", "vae", "--posterior", "laplace", "--free-bits", "0.1", "--out", out.path], mentioning: ["--free-bits"])
        try assertFails(["train", "vae", "--free-bits=-1", "--out", out.path], mentioning: ["--free-bits", "-1"])
    }

    /// A config.json naming a model family this version does not know: one sentence naming the key and the families.
    func testUnknownModelFamilyIsNamedWithTheAllowedOnes() throws {
        let folder = try temporaryFolder()
        try Data(#"{"model": "diffusion"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try assertFails(["eval", folder.path], mentioning: ["model", "diffusion", "vae, autoencoder, pixelcnn, pixelrnn, independent-pixels, sentence-vae, rnnlm"])
    }

    func testExistingRunFolderIsNotOverwritten() throws {
        let out = try temporaryFolder()
        let marker = out.appendingPathComponent("notes.txt")
        try Data("mine".utf8).write(to: marker)
        try assertFails(["train", "vae", "--out", out.path], mentioning: ["already exists", "--resume"])
        XCTAssertEqual(try String(contentsOf: marker, encoding: .utf8), "mine")
        // --out under a file: one sentence naming the file in the way.
        try assertFails(["train", "vae", "--out", marker.appendingPathComponent("run").path], mentioning: [marker.path, "is a file"])
    }

    func testCommandsOnAFolderThatIsNotARun() throws {
        let folder = try temporaryFolder()
        try assertFails(["eval", folder.path], mentioning: ["config.json"])
        try assertFails(["sample", "/nonexistent/run"], mentioning: ["/nonexistent/run"])
        try Data(#"{"model": "pixelcnn"}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        try assertFails(["eval", folder.path], mentioning: ["config.json"])
    }

    func testCorruptCheckpointIsReportedAndLeftAlone() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        let data = try CLIHarness.smallFashionMNIST(train: 100, test: 50)
        folders.append(data)
        let run = try temporaryFolder().appendingPathComponent("run")
        let trained = try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "16", "--latent", "2", "--epochs", "1",
                                          "--batch-size", "50", "--threads", "1", "--out", run.path])
        XCTAssertEqual(trained.status, 0, trained.errors)
        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        let corrupt = try Data(contentsOf: checkpoint).prefix(200)
        try corrupt.write(to: checkpoint)
        try assertFails(["eval", run.path, "--importance-samples", "2"], mentioning: ["checkpoint.safetensors"])
        try assertFails(["train", "vae", "--out", run.path, "--resume", "--epochs", "2"], mentioning: ["checkpoint.safetensors"])
        XCTAssertEqual(try Data(contentsOf: checkpoint), corrupt, "a failed load must not touch the checkpoint")
    }
}
