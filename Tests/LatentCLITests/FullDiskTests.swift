import Foundation
import XCTest

/// A full disk stops a training with one sentence and leaves the run folder as the last complete
/// checkpoint left it. The disk is a small tmpfs, mounted where the machine allows it (as root).
final class FullDiskTests: SmallDataTestCase {
    var mounts: [URL] = []

    override class var imageCounts: (train: Int, test: Int) { (200, 20) }

    override func tearDownWithError() throws {
        for mount in mounts { _ = try? Self.command("/bin/umount", [mount.path]) }
        try super.tearDownWithError()
    }

    @discardableResult
    static func command(_ path: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// A fresh tmpfs of `size` (for example "300k"); skips the test where mounting is not allowed.
    func smallDisk(_ size: String) throws -> URL {
        let mount = workspace.appendingPathComponent("disk-\(size)")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        try XCTSkipUnless(try Self.command("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mount.path]) == 0,
                          "cannot mount a tmpfs here (needs root)")
        mounts.append(mount)
        return mount
    }

    func train(_ out: URL, epochs: Int = 2) throws -> CLIHarness.Result {
        try CLIHarness.run(["train", "vae", "--data", data.path, "--hidden", "8", "--latent", "2", "--batch-size", "20",
                            "--epochs", String(epochs), "--seed", "4", "--threads", "1", "--out", out.path])
    }

    func assertOneSentence(_ result: CLIHarness.Result, file: StaticString = #filePath, line: UInt = #line) {
        CLIHarness.assertRefused(result, mentioning: ["No space left on device"], file: file, line: line)
        XCTAssertFalse(result.errors.contains("Domain="), result.errors, file: file, line: line)
        XCTAssertFalse(result.errors.contains("NSCocoaErrorDomain"), result.errors, file: file, line: line)
    }

    /// Full before the first checkpoint fits: one sentence, and the folder holds no torn file.
    func testFullDiskAtTheStart() throws {
        let run = try smallDisk("100k").appendingPathComponent("run")
        assertOneSentence(try train(run))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: run.path)) ?? []
        XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        XCTAssertFalse(names.contains("checkpoint.safetensors"), "\(names)")
    }

    /// Full in the middle of training: one sentence; the last complete checkpoint and the metrics
    /// before it are intact, and the folder, copied to a disk with room, resumes to the end.
    func testFullDiskDuringTraining() throws {
        let run = try smallDisk("300k").appendingPathComponent("run")
        assertOneSentence(try train(run, epochs: 3))
        XCTAssert(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint.safetensors").path))
        let copy = workspace.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: run, to: copy)
        let resumed = try CLIHarness.run(["train", "vae", "--out", copy.path, "--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        let straight = workspace.appendingPathComponent("straight")
        XCTAssertEqual(try train(straight, epochs: 3).status, 0)
        XCTAssertEqual(try CLIHarness.modelBytes(copy), try CLIHarness.modelBytes(straight))
        XCTAssertEqual(try CLIHarness.metrics(in: copy).compactMap { $0["epoch"] as? Int }, [1, 1, 2, 2, 3, 3])
    }
}
