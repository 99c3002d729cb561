import Foundation
import XCTest

/// `latent train conv-vae` on colour data (the CIFAR-10 fixture: 80 training and 40 test records)
/// with a likelihood over the 256 levels of each sub-pixel: train, eval with bits/dim over 3·H·W,
/// colour samples and reconstructions, resume; and the grey-only flags refused in one sentence.
final class ColourVAECommandTests: XCTestCase {
    private var workspace: URL!
    private var cifar: String { ImageDataCommandTests.fixtures.appendingPathComponent("cifar10").path }

    override func setUpWithError() throws { workspace = try CLIHarness.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: workspace) }

    private func run(_ arguments: [String]) throws -> CLIHarness.Result {
        let result = try CLIHarness.run(arguments)
        XCTAssertEqual(result.status, 0, "latent \(arguments.joined(separator: " ")): \(result.errors)")
        return result
    }

    private static let tiny = ["--channels", "4,8", "--latent", "4", "--batch-size", "20", "--seed", "3", "--threads", "1"]

    /// Colour type 2 (RGB) in the IHDR chunk of a PNG.
    private static func isColourPNG(_ path: String) throws -> Bool {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        return Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47] && bytes[25] == 2
    }

    func testConvVAETrainsEvaluatesDrawsAndResumesOnCIFAR() throws {
        let out = workspace.appendingPathComponent("colour").path
        _ = try run(["train", "conv-vae", "--data", cifar, "--mixtures", "2", "--epochs", "1", "--out", out] + Self.tiny)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as! [String: Any]
        XCTAssertEqual(config["image_channels"] as? Int, 3)
        XCTAssertEqual(config["likelihood"] as? String, "logistic-mixture")
        XCTAssertEqual(config["mixture_components"] as? Int, 2)
        let test = try CLIHarness.metrics(in: URL(fileURLWithPath: out)).last!
        XCTAssertEqual(test["split"] as? String, "test")
        let bound = try XCTUnwrap(test["bits_per_dim"] as? Double)
        XCTAssertEqual(bound, -(test["elbo"] as! Double) / (3072 * log(2)), accuracy: 1e-9)
        XCTAssert(bound > 0 && bound < 12, "\(bound)")

        let evaluation = try run(["eval", out, "--json", "--importance-samples", "8"])
        let report = try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as! [String: Any]
        XCTAssertEqual(report["examples"] as? Int, 40)
        XCTAssertEqual(report["channels"] as? Int, 3)
        let logLikelihood = try XCTUnwrap(report["log_likelihood"] as? Double)
        let bits = try XCTUnwrap(report["bits_per_dim"] as? Double), elboBits = try XCTUnwrap(report["bits_per_dim_elbo"] as? Double)
        XCTAssertEqual(bits, -logLikelihood / (3072 * log(2)), accuracy: 1e-9)
        XCTAssertEqual(elboBits, -(report["elbo"] as! Double) / (3072 * log(2)), accuracy: 1e-9)
        XCTAssert(bits > 0 && bits <= elboBits + 0.01, "IWAE \(bits), ELBO \(elboBits) bits/dim")

        XCTAssertTrue(try Self.isColourPNG(out + "/images/samples-epoch-001.png"))
        XCTAssertTrue(try Self.isColourPNG(out + "/images/reconstructions-epoch-001.png"))
        _ = try run(["sample", out, "--count", "4"])
        XCTAssertTrue(try Self.isColourPNG(out + "/images/samples.png"))
        _ = try run(["reconstruct", out, "--count", "4"])
        XCTAssertTrue(try Self.isColourPNG(out + "/images/reconstructions.png"))
        for arguments in [["manifold", out, "--steps", "3"], ["interpolate", out, "--from", "0", "--to", "1", "--steps", "3"]] {
            let drawn = try run(arguments)
            XCTAssertTrue(try Self.isColourPNG(drawn.output.trimmingCharacters(in: .whitespacesAndNewlines)), arguments[0])
        }

        _ = try run(["train", "conv-vae", "--resume", "--epochs", "2", "--out", out])
        XCTAssertEqual(try CLIHarness.metrics(in: URL(fileURLWithPath: out)).compactMap { $0["epoch"] as? Int }.max(), 2)
    }

    /// The MLP VAE takes colour too, here a colour image folder at 8×8; the categorical likelihood
    /// is recorded by name.
    func testMLPVAEWithCategoricalLikelihoodOnColour() throws {
        let out = workspace.appendingPathComponent("mlp").path
        let folder = ImageDataCommandTests.fixtures.appendingPathComponent("imagefolder-colour").path
        _ = try run(["train", "vae", "--data", folder, "--image-size", "8", "--likelihood", "categorical", "--hidden", "8", "--latent", "2",
                     "--batch-size", "8", "--epochs", "1", "--threads", "1", "--out", out])
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as! [String: Any]
        XCTAssertEqual(config["likelihood"] as? String, "categorical")
        XCTAssertNil(config["mixture_components"])
        let evaluation = try run(["eval", out, "--json", "--importance-samples", "2", "--limit", "4"])
        XCTAssertTrue(evaluation.output.contains("\"bits_per_dim\""), evaluation.output)
    }

    func testGreyOnlyFlagsOnColourDataAreRefusedInOneSentence() throws {
        for (flags, sentence) in [
            (["--pixels", "dynamic"], "--pixels dynamic binarizes grey images; colour images keep their 8-bit levels (--pixels continuous)."),
            (["--likelihood", "bernoulli"], "--likelihood bernoulli models grey intensities; colour images take logistic-mixture or categorical."),
            (["--likelihood", "categorical", "--mixtures", "3"], "--mixtures applies to --likelihood logistic-mixture, not categorical."),
        ] {
            let out = workspace.appendingPathComponent("refused")
            let result = try CLIHarness.run(["train", "conv-vae", "--data", cifar, "--out", out.path] + flags + Self.tiny)
            CLIHarness.assertRefused(result, mentioning: [sentence])
            XCTAssertEqual(result.errors.split(separator: "\n").filter { $0.hasPrefix("Error") }.count, 1)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused run must not leave a folder")
        }
    }
}
