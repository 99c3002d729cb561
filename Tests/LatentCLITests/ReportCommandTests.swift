import Foundation
import XCTest

/// `latent report` on what is not a finished run: a missing folder, a folder that is not a run,
/// a run with no metrics yet, a run still training, an --out that is a folder; and the report a
/// training writes after every epoch surviving a kill in the middle of writing the next one.
final class ReportCommandTests: SmallDataTestCase {
    override class var imageCounts: (train: Int, test: Int) { (200, 20) }

    func trainingArguments(_ out: URL, epochs: Int = 3) -> [String] {
        ["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--batch-size", "50", "--epochs", String(epochs),
         "--seed", "5", "--threads", "1", "--pixels", "static", "--out", out.path]
    }

    /// Starts a training that pauses at `stage` (a ``PauseHook`` stage with its count), and
    /// returns once it has.
    func startPaused(_ out: URL, at stage: String) throws -> Process {
        let process = Process()
        process.executableURL = CLIHarness.executable
        process.arguments = trainingArguments(out)
        var environment = ProcessInfo.processInfo.environment
        environment["LATENT_PAUSE_AT"] = stage
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("paused at") {
            let chunk = errors.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            seen += chunk
        }
        XCTAssert(String(decoding: seen, as: UTF8.self).contains("paused at"), "never paused at \(stage): \(String(decoding: seen, as: UTF8.self))")
        return process
    }

    func testKillWhileWritingTheReportLeavesThePreviousOne() throws {
        let run = workspace.appendingPathComponent("run")
        // The second report's temporary file is complete, the rename not yet done.
        let training = try startPaused(run, at: "report-temporary-written:2")
        let page = run.appendingPathComponent("report.html")
        let before = try String(contentsOf: page, encoding: .utf8)
        kill(training.processIdentifier, SIGKILL)
        training.waitUntilExit()
        let after = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(after, before, "the kill changed the report")
        XCTAssert(after.contains("1 of 3 epochs in metrics.jsonl"), "not the first epoch's report")
        XCTAssert(after.hasSuffix("</html>\n"), "the report is cut short")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasPrefix(".report.html.") }
        XCTAssertEqual(leftovers.count, 1, "the unfinished write is a temporary file beside the report")

        let resumed = try CLIHarness.run(["train", "vae", "--out", run.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        let final = try String(contentsOf: page, encoding: .utf8)
        XCTAssert(final.contains("3 of 3 epochs in metrics.jsonl"), "the resumed training did not write its report")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasSuffix(".tmp") }, [])
    }

    func testReportOfARunStillTrainingShowsWhatExists() throws {
        let run = workspace.appendingPathComponent("run")
        // Paused after epoch 2's training line: epoch 1 is complete, epoch 2 half written.
        let training = try startPaused(run, at: "metrics-appended:3")
        defer { kill(training.processIdentifier, SIGKILL); training.waitUntilExit() }
        let out = workspace.appendingPathComponent("while-training.html")
        let reported = try CLIHarness.run(["report", run.path, "--out", out.path])
        XCTAssertEqual(reported.status, 0, reported.errors)
        let html = try String(contentsOf: out, encoding: .utf8)
        XCTAssert(html.contains("2 of 3 epochs in metrics.jsonl"), "the report does not show the epochs so far")
        XCTAssert(html.contains("class=\"point\""), "no curve points")
    }

    func testRunWithoutMetricsGetsAReportOfItsConfiguration() throws {
        let run = workspace.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/runs/vae/config.json")
        try FileManager.default.copyItem(at: fixture, to: run.appendingPathComponent("config.json"))
        let reported = try CLIHarness.run(["report", run.path])
        XCTAssertEqual(reported.status, 0, reported.errors)
        XCTAssert(reported.errors.contains("metrics.jsonl does not exist yet"), reported.errors)
        XCTAssert(reported.errors.contains("checkpoint.safetensors"), "no word on the missing checkpoint: \(reported.errors)")
        let html = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssert(html.contains("metrics.jsonl does not exist yet"))
        XCTAssert(html.contains("&quot;latent_dimension&quot; : 2"), "the configuration is not shown")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: run.path)), ["config.json", "report.html"])
    }

    func testBadInputIsRefusedWithOneSentence() throws {
        let missing = workspace.appendingPathComponent("missing")
        CLIHarness.assertRefused(try CLIHarness.run(["report", missing.path]), mentioning: [missing.path, "does not exist"])
        let notARun = workspace.appendingPathComponent("not-a-run")
        try FileManager.default.createDirectory(at: notARun, withIntermediateDirectories: true)
        CLIHarness.assertRefused(try CLIHarness.run(["report", notARun.path]), mentioning: [notARun.path, "config.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: notARun.path), [], "a refused report wrote into the folder")

        let run = workspace.appendingPathComponent("run")
        XCTAssertEqual(try CLIHarness.run(trainingArguments(run, epochs: 1)).status, 0)
        let beforeFiles = Set(try FileManager.default.contentsOfDirectory(atPath: run.path))
        CLIHarness.assertRefused(try CLIHarness.run(["report", run.path, "--out", workspace.path]), mentioning: ["--out", workspace.path])
        CLIHarness.assertRefused(try CLIHarness.run(["report", run.path, missing.path]), mentioning: [missing.path])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: run.path)), beforeFiles, "a refused report changed the run folder")
    }
}
