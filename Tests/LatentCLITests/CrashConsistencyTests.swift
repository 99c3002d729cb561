import Foundation
import XCTest

/// Every folder a killed training leaves behind either resumes to the bits of an unbroken run or
/// is taken by a fresh `train`; `eval` works on every resumable one, and no temporary file survives
/// the next open. Kills land at moments drawn from a fixed seed, and at each stage of a
/// checkpoint write and after a metrics line, reached through the `LATENT_PAUSE_AT` hook.
final class CrashConsistencyTests: SmallDataTestCase {
    override class var imageCounts: (train: Int, test: Int) { (200, 20) }

    /// Three epochs of ten batches with dynamic binarization, so data stream, noise stream and
    /// Adam's state all have to survive.
    func arguments(_ out: URL) -> [String] {
        ["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--batch-size", "20", "--epochs", "3",
         "--seed", "9", "--threads", "1", "--pixels", "dynamic", "--out", out.path]
    }

    /// Starts a training; with `pauseAt`, returns once it has paused there.
    func start(_ out: URL, pauseAt: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = CLIHarness.executable
        process.arguments = arguments(out)
        var environment = ProcessInfo.processInfo.environment
        environment["LATENT_PAUSE_AT"] = pauseAt
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        guard let pauseAt else { return process }
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("paused at") {
            let chunk = errors.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            seen += chunk
        }
        XCTAssert(String(decoding: seen, as: UTF8.self).contains("paused at \(pauseAt.split(separator: ":")[0])"), "never paused at \(pauseAt)")
        return process
    }

    func kill9(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// What must hold of a folder a kill left: it resumes (or, unborn, trains afresh) to `expected`.
    func assertRecovers(_ run: URL, to expected: Data, _ what: String) throws {
        let resumable = FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.safetensors").path)
        if resumable {
            let evaluation = try CLIHarness.run(["eval", run.path, "--importance-samples", "2", "--limit", "5"])
            XCTAssertEqual(evaluation.status, 0, "\(what): eval \(evaluation.errors)")
        }
        let finished = try CLIHarness.run(resumable ? ["train", "vae", "--out", run.path, "--resume"] : arguments(run))
        XCTAssertEqual(finished.status, 0, "\(what): \(finished.errors)")
        XCTAssertEqual(try CLIHarness.modelBytes(run), expected, "\(what): not the bits of an unbroken run")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: run.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "\(what): temporary files survived the next open")
        let epochs = try CLIHarness.metrics(in: run).compactMap { $0["epoch"] as? Int }
        XCTAssertEqual(epochs, [1, 1, 2, 2, 3, 3], "\(what): each epoch's train and test lines, once")
    }

    func testKillsAtEveryStageAndAtSeededMomentsLeaveRecoverableFolders() throws {
        let straight = workspace.appendingPathComponent("straight")
        let started = Date()
        XCTAssertEqual(try CLIHarness.run(arguments(straight)).status, 0)
        let duration = Date().timeIntervalSince(started)
        let expected = try CLIHarness.modelBytes(straight)

        // Each stage of the second checkpoint write (the first is the new run's, before any batch),
        // and after the first metrics line, before that epoch's checkpoint.
        for stage in ["safetensors-temporary-created:2", "safetensors-temporary-written:2", "safetensors-renamed:2", "metrics-appended:1"] {
            let run = workspace.appendingPathComponent("stage-\(stage.split(separator: ":")[0])")
            kill9(try start(run, pauseAt: stage))
            try assertRecovers(run, to: expected, stage)
        }

        // 20 kills at moments drawn from a fixed seed over the length of a whole run.
        var state: UInt64 = 0x5EED
        for index in 0..<20 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let moment = Double(state >> 11) / Double(1 << 53) * duration
            let run = workspace.appendingPathComponent("kill-\(index)")
            let process = try start(run)
            Thread.sleep(forTimeInterval: moment)
            kill9(process)
            try assertRecovers(run, to: expected, String(format: "kill %d at %.2f s", index, moment))
        }
    }
}
