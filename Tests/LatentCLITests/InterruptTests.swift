import Foundation
import XCTest

/// Ctrl-C during training saves a consistent checkpoint; resuming from it ends with the weights of
/// a run that was never interrupted.
final class InterruptTests: XCTestCase {
    func testInterruptedRunResumesToTheSameWeights() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        let data = try CLIHarness.smallFashionMNIST(train: 1000, test: 100)
        let workspace = try CLIHarness.temporaryFolder()
        defer { for url in [data, workspace] { try? FileManager.default.removeItem(at: url) } }
        let arguments = ["train", "vae", "--data", data.path, "--hidden", "16", "--latent", "2", "--batch-size", "10",
                         "--epochs", "2", "--seed", "5", "--threads", "1", "--pixels", "dynamic"]
        let straight = workspace.appendingPathComponent("straight"), interrupted = workspace.appendingPathComponent("interrupted")
        XCTAssertEqual(try CLIHarness.run(arguments + ["--out", straight.path]).status, 0)

        let process = Process()
        process.executableURL = CLIHarness.executable
        process.arguments = arguments + ["--out", interrupted.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        // Interrupt once training is under way (its first checkpoint written), however slowly a
        // busy machine starts it, then a moment into the batches.
        let checkpoint = interrupted.appendingPathComponent("checkpoint.safetensors")
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: checkpoint.path) && process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        Thread.sleep(forTimeInterval: 0.3)
        process.interrupt()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus != 0 else {
            throw XCTSkip("training finished before the interrupt; nothing was interrupted")
        }
        XCTAssert(message.contains("Interrupted"), message)
        XCTAssert(message.contains("--resume"), message)
        let resumed = try CLIHarness.run(["train", "vae", "--out", interrupted.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(interrupted))
        let epochs = try CLIHarness.metrics(in: interrupted).compactMap { $0["epoch"] as? Int }
        XCTAssertEqual(epochs, [1, 1, 2, 2], "each epoch's train and test lines, once")
    }
}
