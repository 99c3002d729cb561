import Foundation
import TensorCore
import XCTest

/// `--precision bf16` on `latent train`: recorded in config.json, kept by --resume (bit for bit),
/// a different --precision on resume refused without touching the run, and the precision shown
/// by the training log, `latent eval` and the report.
final class PrecisionCommandTests: SmallDataTestCase {
    override class var imageCounts: (train: Int, test: Int) { (200, 20) }

    func trainVAE(_ out: URL, epochs: Int, precision: String) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--batch-size", "50",
                            "--epochs", String(epochs), "--seed", "5", "--threads", "1", "--precision", precision, "--out", out.path])
    }

    /// Every file of a run folder and its bytes, but the lock file, which holds the process id of
    /// whichever command last held the folder (a refused resume too).
    func contents(of folder: URL) throws -> [String: Data] {
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
        return try Dictionary(uniqueKeysWithValues: files.filter { !$0.hasDirectoryPath && $0.lastPathComponent != ".lock" }.map {
            ($0.path.replacingOccurrences(of: folder.path, with: ""), try Data(contentsOf: $0))
        })
    }

    func configuration(_ run: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
    }

    func testBFloat16RunIsRecordedResumesBitForBitAndIsReported() throws {
        let straight = workspace.appendingPathComponent("straight"), resumed = workspace.appendingPathComponent("resumed")
        let fp32 = workspace.appendingPathComponent("fp32")
        let trained = try trainVAE(resumed, epochs: 1, precision: "bf16")
        XCTAssertEqual(trained.status, 0, trained.errors)
        XCTAssertEqual(try configuration(resumed)["precision"] as? String, "bf16")
        XCTAssert(trained.errors.contains(", bf16 GEMMs on \(GEMMBackend.summary)"),
                  "the opening line does not name the precision and the GEMM library: \(trained.errors)")
        XCTAssertEqual(trained.errors.split(separator: "\n").filter { $0.hasPrefix("bf16 GEMMs") }.count, 1,
                       "the log does not say once how bf16 runs: \(trained.errors)")
        // The flag is not ignored: one epoch in fp32 from the same seed trains other weights.
        XCTAssertEqual(try trainVAE(fp32, epochs: 1, precision: "fp32").status, 0)
        XCTAssertEqual(try configuration(fp32)["precision"] as? String, "fp32")
        XCTAssertNotEqual(try CLIHarness.modelBytes(fp32), try CLIHarness.modelBytes(resumed))

        let before = try contents(of: resumed)
        let changed = try CLIHarness.run(["train", "vae", "--out", resumed.path, "--resume", "--epochs", "2", "--precision", "fp32"])
        CLIHarness.assertRefused(changed, mentioning: ["--precision fp32", "trains in bf16"])
        XCTAssertEqual(try contents(of: resumed), before, "the refused resume changed the run folder")

        XCTAssertEqual(try trainVAE(straight, epochs: 2, precision: "bf16").status, 0)
        let continued = try CLIHarness.run(["train", "vae", "--out", resumed.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(continued.status, 0, continued.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(resumed))
        XCTAssertEqual(try configuration(resumed)["precision"] as? String, "bf16")

        let evaluated = try CLIHarness.run(["eval", resumed.path, "--importance-samples", "5", "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        XCTAssertEqual(report["precision"] as? String, "bf16")
        let table = try CLIHarness.run(["eval", resumed.path, "--importance-samples", "5"])
        XCTAssert(table.output.contains("trained in         bf16"), table.output)
        XCTAssertEqual(try CLIHarness.run(["report", resumed.path]).status, 0)
        let html = try String(contentsOf: resumed.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(html.contains("trained in bf16"), "the report does not say the run trained in bf16")
    }

    /// A PixelRNN (Diagonal BiLSTM) in bf16: one epoch, then --resume to two, gives the weights
    /// of two epochs straight, bit for bit.
    func testPixelRNNResumesBitForBitInBFloat16() throws {
        func train(_ out: URL, epochs: Int) throws -> CLIHarness.Result {
            try CLIHarness.run(["train", "pixelrnn", "--layer", "diagonal", "--data", data.path, "--binarize", "0.5", "--layers", "1",
                                "--hidden", "4", "--batch-size", "16", "--epochs", String(epochs), "--seed", "1", "--threads", "1",
                                "--precision", "bf16", "--out", out.path])
        }
        let straight = workspace.appendingPathComponent("straight"), resumed = workspace.appendingPathComponent("resumed")
        XCTAssertEqual(try train(straight, epochs: 2).status, 0)
        XCTAssertEqual(try train(resumed, epochs: 1).status, 0)
        let continued = try CLIHarness.run(["train", "pixelrnn", "--out", resumed.path, "--resume", "--epochs", "2", "--precision", "bf16"])
        XCTAssertEqual(continued.status, 0, continued.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(resumed))
        XCTAssertEqual(try configuration(resumed)["precision"] as? String, "bf16")
    }

    /// A value that is neither fp32 nor bf16 is refused in one sentence naming the flag, before a
    /// folder is made.
    func testUnknownPrecisionIsRefused() throws {
        let run = workspace.appendingPathComponent("run")
        CLIHarness.assertRefused(try trainVAE(run, epochs: 1, precision: "fp16"), mentioning: ["--precision", "'fp32' and 'bf16'"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path))
    }
}
