import Foundation
import XCTest

/// Run folders written by the first release of the run-folder format (2026-12-02) still open:
/// `eval` gives the figures that release gave, `sample` draws, and `--resume` trains on.
///
/// The folders in Fixtures/runs were written by that release from data this test makes again
/// (8×8 images pooled from real Fashion-MNIST images, and the tiny corpus of
/// ``SentenceModelTests``); each holds the `eval --json` output of that release as
/// expected-eval.json. They are never rewritten: `LATENT_WRITE_RUN_FIXTURES=1` wrote them once,
/// and writing them again with a later build would test nothing.
final class RunFolderCompatibilityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/runs")

    /// A fixture: its folder name, the `train` subcommand and flags that made it, the flags its
    /// `--resume` needs, and its data.
    struct Fixture {
        let name: String
        let model: String
        let flags: [String]
        var resumeFlags: [String] = []
        let text: Bool
    }

    static let runs: [Fixture] = [
        Fixture(name: "vae", model: "vae", flags: ["--hidden", "16", "--latent", "2", "--pixels", "static"], text: false),
        Fixture(name: "conditional-conv-vae", model: "conv-vae",
                flags: ["--conditional", "--channels", "4,8", "--latent", "2"], resumeFlags: ["--conditional"], text: false),
        Fixture(name: "autoencoder", model: "autoencoder", flags: ["--hidden", "16", "--latent", "2"], text: false),
        Fixture(name: "pixelcnn", model: "pixelcnn", flags: ["--binarize", "0.5", "--channels", "8", "--blocks", "2"], text: false),
        Fixture(name: "sentence-vae", model: "sentence-vae", flags: SentenceModelTests.smallModel, text: true),
    ]

    /// 8×8 images, each the 3×3 means of the middle 24×24 of a real Fashion-MNIST image: the first
    /// 64 training and 32 test images, in an MNIST-format folder.
    static func tinyImages() throws -> URL {
        let folder = try CLIHarness.temporaryFolder()
        for (split, count) in [("train", 64), ("t10k", 32)] {
            let images = try CLIHarness.gunzip(CLIHarness.fashionMNIST.appendingPathComponent("\(split)-images-idx3-ubyte.gz"))
            let labels = try CLIHarness.gunzip(CLIHarness.fashionMNIST.appendingPathComponent("\(split)-labels-idx1-ubyte.gz"))
            var pooled = Data()
            for image in 0..<count {
                for row in 0..<8 {
                    for column in 0..<8 {
                        var sum = 0
                        for dy in 0..<3 {
                            for dx in 0..<3 { sum += Int(images[16 + image * 784 + (2 + 3 * row + dy) * 28 + 2 + 3 * column + dx]) }
                        }
                        pooled.append(UInt8(sum / 9))
                    }
                }
            }
            try (CLIHarness.header(magic: 0x0803, dimensions: [count, 8, 8]) + pooled)
                .write(to: folder.appendingPathComponent("\(split)-images-idx3-ubyte"))
            try (CLIHarness.header(magic: 0x0801, dimensions: [count]) + labels[8..<(8 + count)])
                .write(to: folder.appendingPathComponent("\(split)-labels-idx1-ubyte"))
        }
        return folder
    }

    var workspace: URL!
    var images: URL!
    var corpus: URL!

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        workspace = try CLIHarness.temporaryFolder()
        images = try Self.tinyImages()
        corpus = try SentenceModelTests.tinyCorpus(in: workspace)
    }

    override func tearDownWithError() throws {
        for url in [workspace, images].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }

    func testRunFoldersOfTheFirstReleaseStillOpen() throws {
        for fixture in Self.runs {
            let run = workspace.appendingPathComponent(fixture.name)
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(fixture.name), to: run)
            // The data now live elsewhere: point config.json at the same data made again.
            let configuration = run.appendingPathComponent("config.json")
            var object = try JSONSerialization.jsonObject(with: Data(contentsOf: configuration)) as! [String: Any]
            XCTAssertNotNil(object["data"], "\(fixture.name): config.json has no data key")
            object["data"] = (fixture.text ? corpus : images).path
            try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: configuration)

            let evaluation = try CLIHarness.run(["eval", run.path, "--json"])
            XCTAssertEqual(evaluation.status, 0, "\(fixture.name): \(evaluation.errors)")
            let figures = try JSONSerialization.jsonObject(with: Data(evaluation.output.utf8)) as! [String: Any]
            let expected = try JSONSerialization.jsonObject(
                with: Data(contentsOf: run.appendingPathComponent("expected-eval.json"))) as! [String: Any]
            assertSameFigures(figures, expected, fixture.name)
            // They predate --precision, and trained in fp32.
            XCTAssertNil(object["precision"], "\(fixture.name): the fixture should predate the precision key")
            XCTAssertEqual(figures["precision"] as? String, "fp32", fixture.name)

            if fixture.text {
                let generated = try CLIHarness.run(["generate", run.path, "--count", "2"])
                XCTAssertEqual(generated.status, 0, "\(fixture.name): \(generated.errors)")
            } else if fixture.model == "autoencoder" {
                // An autoencoder has no prior to sample: it reconstructs.
                let picture = workspace.appendingPathComponent("\(fixture.name)-reconstructions.png")
                let reconstructed = try CLIHarness.run(["reconstruct", run.path, "--out", picture.path])
                XCTAssertEqual(reconstructed.status, 0, "\(fixture.name): \(reconstructed.errors)")
                XCTAssert(FileManager.default.fileExists(atPath: picture.path), "\(fixture.name): no reconstructions written")
            } else {
                let picture = workspace.appendingPathComponent("\(fixture.name)-samples.png")
                let sampled = try CLIHarness.run(["sample", run.path, "--count", "4", "--out", picture.path])
                XCTAssertEqual(sampled.status, 0, "\(fixture.name): \(sampled.errors)")
                XCTAssert(FileManager.default.fileExists(atPath: picture.path), "\(fixture.name): no samples written")
            }

            // Their metrics.jsonl predates kl_per_dimension: the report draws what they hold.
            let reported = try CLIHarness.run(["report", run.path])
            XCTAssertEqual(reported.status, 0, "\(fixture.name): \(reported.errors)")
            let page = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
            XCTAssert(page.contains("class=\"point\""), "\(fixture.name): the report has no curve")

            let epochs = try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max() ?? 0
            let resumed = try CLIHarness.run(["train", fixture.model, "--out", run.path, "--resume", "--epochs", String(epochs + 1)]
                                             + fixture.resumeFlags)
            XCTAssertEqual(resumed.status, 0, "\(fixture.name): \(resumed.errors)")
            let resumedConfiguration = try JSONSerialization.jsonObject(with: Data(contentsOf: configuration)) as! [String: Any]
            XCTAssertEqual(resumedConfiguration["precision"] as? String, "fp32", "\(fixture.name): the resumed run records its precision")
            let last = try CLIHarness.metrics(in: run).last { ($0["epoch"] as? Int) == epochs + 1 }
            let loss = (last?["elbo"] as? Double) ?? (last?["nll"] as? Double) ?? (last?["reconstruction"] as? Double)
            XCTAssertNotNil(loss, "\(fixture.name): no figure for epoch \(epochs + 1) in \(String(describing: last))")
            XCTAssert(loss?.isFinite ?? false, "\(fixture.name): epoch \(epochs + 1) ended with \(String(describing: loss))")
        }
    }

    /// Every number the release reported is reported again, within 1e-4 relative; timings aside.
    private func assertSameFigures(_ figures: [String: Any], _ expected: [String: Any], _ name: String) {
        for (key, value) in expected where key != "seconds" {
            guard let number = value as? Double, !(value is Bool) else { continue }
            guard let now = figures[key] as? Double else {
                XCTFail("\(name): eval no longer reports \(key)")
                continue
            }
            XCTAssertEqual(now, number, accuracy: 1e-4 * max(abs(number), 1e-6), "\(name): \(key)")
        }
    }

    /// Writes Fixtures/runs with the build at hand. Run once, by hand, with LATENT_WRITE_RUN_FIXTURES=1.
    func testWriteFixturesWhenAsked() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["LATENT_WRITE_RUN_FIXTURES"] == "1",
                          "writes the fixtures only when LATENT_WRITE_RUN_FIXTURES=1")
        try? FileManager.default.removeItem(at: Self.fixtures)
        try FileManager.default.createDirectory(at: Self.fixtures, withIntermediateDirectories: true)
        for fixture in Self.runs {
            let run = Self.fixtures.appendingPathComponent(fixture.name)
            let data = (fixture.text ? corpus : images)!.path
            let trained = try CLIHarness.run(["train", fixture.model, "--data", data, "--epochs", "1", "--seed", "7",
                                              "--batch-size", "16", "--threads", "1", "--out", run.path] + fixture.flags)
            XCTAssertEqual(trained.status, 0, "\(fixture.name): \(trained.errors)")
            let evaluation = try CLIHarness.run(["eval", run.path, "--json"])
            XCTAssertEqual(evaluation.status, 0, "\(fixture.name): \(evaluation.errors)")
            try Data(evaluation.output.utf8).write(to: run.appendingPathComponent("expected-eval.json"))
            for leftover in ["images", "eval.json"] { try? FileManager.default.removeItem(at: run.appendingPathComponent(leftover)) }
        }
    }
}
