import Foundation
import XCTest

/// The thread count changes how fast a run goes, never what it computes.
final class ThreadCountTests: XCTestCase {
    /// 20 steps of the reference MLP VAE (784-400-20, batch 128) on 1 and on 2 threads: the same
    /// checkpoint, bit for bit, weights and optimizer state alike. Its GEMMs are large enough to be
    /// split across the two threads.
    func testOneAndTwoThreadsGiveTheSameCheckpoint() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        let data = try CLIHarness.smallFashionMNIST(train: 20 * 128, test: 100)
        let workspace = try CLIHarness.temporaryFolder()
        defer { for url in [data, workspace] { try? FileManager.default.removeItem(at: url) } }
        var checkpoints: [Data] = []
        for threads in [1, 2] {
            let out = workspace.appendingPathComponent("threads-\(threads)")
            let result = try CLIHarness.run(["train", "vae", "--data", data.path, "--epochs", "1", "--seed", "5",
                                             "--threads", String(threads), "--out", out.path])
            XCTAssertEqual(result.status, 0, result.errors)
            checkpoints.append(try Data(contentsOf: out.appendingPathComponent("checkpoint.safetensors")))
        }
        XCTAssertGreaterThan(checkpoints[0].count, 4 * 2 * 784 * 400, "the checkpoint holds the weights and Adam's moments")
        XCTAssert(checkpoints[0] == checkpoints[1], "1 and 2 threads trained different checkpoints")
    }
}
