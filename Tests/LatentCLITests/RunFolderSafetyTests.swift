import Foundation
import XCTest

/// Run folders survive crashes and concurrent commands: one writer at a time, a folder that is
/// resumable from its first batch on, unborn runs started afresh, and leftovers of interrupted
/// writes cleaned when the folder is next opened.
final class RunFolderSafetyTests: SmallDataTestCase {
    func arguments(out: URL, epochs: Int) -> [String] {
        ["train", "vae", "--data", data.path, "--hidden", "16", "--latent", "2", "--batch-size", "10",
         "--epochs", String(epochs), "--seed", "5", "--threads", "1", "--out", out.path]
    }

    /// While a training runs: a second training into its folder and a second --resume are refused
    /// naming the other process, `eval` reads the checkpoint and succeeds. After a kill -9 the
    /// folder resumes to a finished run.
    func testOneWriterAtATimeAndAKilledRunResumes() throws {
        let run = workspace.appendingPathComponent("run")
        let training = Process()
        training.executableURL = CLIHarness.executable
        training.arguments = arguments(out: run, epochs: 200)
        training.standardOutput = Pipe()
        training.standardError = FileHandle.nullDevice
        try training.run()
        defer { if training.isRunning { kill(training.processIdentifier, SIGKILL) } }
        let checkpoint = run.appendingPathComponent("checkpoint.safetensors")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint.path), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssert(FileManager.default.fileExists(atPath: checkpoint.path), "the first checkpoint is written before the first batch")
        XCTAssert(training.isRunning, "the training ended too soon for the test")

        let second = try CLIHarness.run(arguments(out: run, epochs: 1))
        CLIHarness.assertRefused(second, mentioning: ["being trained by another process", "process \(training.processIdentifier)"])
        let resumed = try CLIHarness.run(["train", "vae", "--out", run.path, "--resume"])
        CLIHarness.assertRefused(resumed, mentioning: ["being trained by another process"])
        let evaluation = try CLIHarness.run(["eval", run.path, "--importance-samples", "2", "--json"])
        XCTAssertEqual(evaluation.status, 0, evaluation.errors)

        kill(training.processIdentifier, SIGKILL)
        training.waitUntilExit()
        XCTAssertEqual(training.terminationReason, .uncaughtSignal)
        // How far the killed run got depends on the machine's speed: the resumed one trains one
        // epoch more.
        // (No metrics yet, or a last line cut short by the kill, count as what they are.)
        let lines = (try? String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8))?.split(separator: "\n") ?? []
        let epochsBeforeKill = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))).flatMap { ($0 as? [String: Any])?["epoch"] as? Int }
        }.max() ?? 0
        let finished = try CLIHarness.run(["train", "vae", "--out", run.path, "--resume", "--epochs", "\(epochsBeforeKill + 1)"])
        XCTAssertEqual(finished.status, 0, finished.errors)
        XCTAssertEqual(try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max(), epochsBeforeKill + 1)
    }

    /// A folder whose training stopped before its first checkpoint is started afresh by a new
    /// `train`; a temporary file left by an interrupted write is gone after the next open.
    func testUnbornRunIsStartedAfreshAndLeftoversAreCleaned() throws {
        let run = workspace.appendingPathComponent("unborn")
        try FileManager.default.createDirectory(at: run.appendingPathComponent("images"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: run.appendingPathComponent("config.json"))
        let leftover = run.appendingPathComponent(".checkpoint.safetensors.0F00.tmp")
        try Data("torn".utf8).write(to: leftover)
        // What Foundation's atomic write of config.json leaves when killed halfway.
        let foundationLeftover = run.appendingPathComponent(".dat.nosync67A1.jqMPeX")
        try Data("{\"mod".utf8).write(to: foundationLeftover)
        let trained = try CLIHarness.run(arguments(out: run, epochs: 1))
        XCTAssertEqual(trained.status, 0, trained.errors)
        XCTAssert(trained.errors.contains("starting it afresh"), trained.errors)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: foundationLeftover.path))
        XCTAssertEqual(try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }.max(), 1)
    }

    /// A refused new run leaves no folder behind.
    func testRefusedNewRunLeavesNoFolder() throws {
        let run = workspace.appendingPathComponent("never")
        CLIHarness.assertRefused(try CLIHarness.run(arguments(out: run, epochs: 1) + ["--optimizer", "lbfgs"]), mentioning: ["--optimizer"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path))
    }

    /// config.json records --data as an absolute path, so a run opens from any directory; an older
    /// run's relative path is found beside the run folder.
    func testDataPathsOpenFromAnyDirectory() throws {
        let dataName = data.lastPathComponent
        let parent = data.deletingLastPathComponent()
        let run = parent.appendingPathComponent("run-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let trained = try CLIHarness.run(["train", "vae", "--data", dataName, "--hidden", "8", "--latent", "2", "--epochs", "1",
                                          "--threads", "1", "--out", run.lastPathComponent], in: parent)
        XCTAssertEqual(trained.status, 0, trained.errors)
        let configurationURL = run.appendingPathComponent("config.json")
        var configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: configurationURL)) as! [String: Any]
        XCTAssertEqual(configuration["data"] as? String, data.standardizedFileURL.path)
        XCTAssertEqual(try CLIHarness.run(["eval", run.path, "--importance-samples", "2"], in: workspace).status, 0)
        // As the first release wrote it: the path as typed, relative to where the run was started.
        configuration["data"] = dataName
        try JSONSerialization.data(withJSONObject: configuration).write(to: configurationURL)
        let evaluation = try CLIHarness.run(["eval", run.path, "--importance-samples", "2"], in: workspace)
        XCTAssertEqual(evaluation.status, 0, evaluation.errors)
    }
}
