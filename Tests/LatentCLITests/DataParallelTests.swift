import Foundation
import XCTest

/// `mpirun -np 2 latent train …`: two processes train one model as one process does with the
/// same global batch, hold bit-identical weights after every step, share the run folder's work,
/// and fail together.
final class DataParallelTests: SmallDataTestCase {
    /// Summation order is all that differs from one process: after an epoch of Adam the weights
    /// agree to this, and the figures to a relative 1e-5.
    static let weightTolerance: Float = 1e-4

    override func setUpWithError() throws {
        try XCTSkipUnless(MPIHarness.isAvailable, "needs Open MPI's mpirun (openmpi-bin)")
        try super.setUpWithError()
    }

    private func run(_ name: String) -> URL { workspace.appendingPathComponent(name) }

    /// A small VAE with dynamic binarization (a per-example draw from the data stream) and a last
    /// batch smaller than the others (600 = 9·64 + 24).
    private var vaeArguments: [String] {
        ["train", "vae", "--data", data.path, "--hidden", "64", "--latent", "4", "--batch-size", "64",
         "--pixels", "dynamic", "--seed", "7", "--threads", "1"]
    }

    func testTwoProcessesTrainAVAEAsOneProcessDoes() throws {
        let alone = try CLIHarness.run(vaeArguments + ["--epochs", "1", "--out", run("alone").path])
        XCTAssertEqual(alone.status, 0, alone.errors)
        // Every step, each process compares its weights, optimizer state and streams with rank 0's;
        // buckets of 50 kB (a dozen for this model) are summed during backward.
        let together = try MPIHarness.run(ranks: 2, vaeArguments + ["--epochs", "1", "--out", run("together").path],
                                          environment: ["LATENT_COMPARE_REPLICAS": "1", "LATENT_ALLREDUCE_BUCKET_MB": "0.05"])
        XCTAssertEqual(together.status, 0, together.errors)

        XCTAssertLessThan(try MPIHarness.largestWeightDifference(run("alone"), run("together")), Self.weightTolerance)
        XCTAssertNotEqual(try MPIHarness.weights(run("alone")), try MPIHarness.weights(run("together")),
                          "bit-identical weights would mean the second process did nothing")
        try assertSameFigures(run("alone"), run("together"), keys: ["elbo", "kl", "reconstruction", "examples"])
        let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: run("together").appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(configuration["processes"] as? Int, 2)
        XCTAssertEqual(together.errors.components(separatedBy: "epoch 1: train").count, 2, "only rank 0 reports:\n\(together.errors)")
    }

    /// `--precision bf16` reaches every rank (each parses the same command line): two processes
    /// train what one process trains in bf16, up to summation order, and the run records bf16.
    func testTwoProcessesTrainInBFloat16AsOneProcessDoes() throws {
        let arguments = vaeArguments + ["--epochs", "1", "--precision", "bf16"]
        let alone = try CLIHarness.run(arguments + ["--out", run("alone").path])
        XCTAssertEqual(alone.status, 0, alone.errors)
        let together = try MPIHarness.run(ranks: 2, arguments + ["--out", run("together").path], environment: ["LATENT_COMPARE_REPLICAS": "1"])
        XCTAssertEqual(together.status, 0, together.errors)
        XCTAssertLessThan(try MPIHarness.largestWeightDifference(run("alone"), run("together")), Self.weightTolerance)
        let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: run("together").appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(configuration["precision"] as? String, "bf16")
        XCTAssertEqual(together.errors.split(separator: "\n").filter { $0.hasPrefix("bf16 GEMMs") }.count, 1,
                       "rank 0 alone says how bf16 runs, once:\n\(together.errors)")
    }

    /// The exact likelihood on the test set is split across the processes too, and sums to one
    /// process's figure.
    func testTwoProcessesTrainAPixelCNNAndSplitItsEvaluation() throws {
        let arguments = ["train", "pixelcnn", "--data", data.path, "--channels", "8", "--blocks", "1", "--first-kernel", "3",
                         "--batch-size", "50", "--epochs", "1", "--seed", "2", "--threads", "1"]
        XCTAssertEqual(try CLIHarness.run(arguments + ["--out", run("alone").path]).status, 0)
        let together = try MPIHarness.run(ranks: 2, arguments + ["--out", run("together").path], environment: ["LATENT_COMPARE_REPLICAS": "1"])
        XCTAssertEqual(together.status, 0, together.errors)
        XCTAssertLessThan(try MPIHarness.largestWeightDifference(run("alone"), run("together")), Self.weightTolerance)
        try assertSameFigures(run("alone"), run("together"), keys: ["nll", "bits_per_dim", "examples"])
        XCTAssert(together.errors.contains("allreduce of"), together.errors)
    }

    /// Word dropout is drawn per position of the padded batch; each process's rows are padded as
    /// the whole batch is, so the draws line up.
    func testTwoProcessesTrainASentenceVAEWithUnevenLengthsAsOneProcessDoes() throws {
        let corpus = workspace.appendingPathComponent("corpus.txt")
        var sentences: [String] = []
        let words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "away", "home"]
        for index in 0..<300 {
            let length = 2 + (index * 7) % 11
            sentences.append((0..<length).map { words[(index * 5 + $0 * 3) % words.count] }.joined(separator: " "))
        }
        try sentences.joined(separator: "\n").write(to: corpus, atomically: true, encoding: .utf8)
        let arguments = ["train", "sentence-vae", "--data", corpus.path, "--hidden", "24", "--embedding", "12", "--latent", "4",
                         "--batch-size", "20", "--keep-rate", "0.7", "--epochs", "1", "--seed", "3", "--threads", "1"]
        XCTAssertEqual(try CLIHarness.run(arguments + ["--out", run("alone").path]).status, 0)
        // The gradients summed after backward rather than during it.
        let together = try MPIHarness.run(ranks: 2, arguments + ["--out", run("together").path],
                                          environment: ["LATENT_COMPARE_REPLICAS": "1", "LATENT_ALLREDUCE_OVERLAP": "0"])
        XCTAssertEqual(together.status, 0, together.errors)
        XCTAssertLessThan(try MPIHarness.largestWeightDifference(run("alone"), run("together")), Self.weightTolerance)
        try assertSameFigures(run("alone"), run("together"), keys: ["nll", "kl", "tokens", "sentences", "perplexity", "active_units", "mutual_information"])
    }

    /// A run trained by two processes resumes in one, and the reverse, from an epoch boundary, and
    /// ends where a single process's uninterrupted run ends.
    func testResumingWithAnotherProcessCountFinishes() throws {
        XCTAssertEqual(try CLIHarness.run(vaeArguments + ["--epochs", "2", "--out", run("straight").path]).status, 0)

        XCTAssertEqual(try MPIHarness.run(ranks: 2, vaeArguments + ["--epochs", "1", "--out", run("twoThenOne").path]).status, 0)
        let one = try CLIHarness.run(["train", "vae", "--resume", "--epochs", "2", "--out", run("twoThenOne").path])
        XCTAssertEqual(one.status, 0, one.errors)

        XCTAssertEqual(try CLIHarness.run(vaeArguments + ["--epochs", "1", "--out", run("oneThenTwo").path]).status, 0)
        let two = try MPIHarness.run(ranks: 2, ["train", "vae", "--resume", "--epochs", "2", "--out", run("oneThenTwo").path])
        XCTAssertEqual(two.status, 0, two.errors)

        for resumed in ["twoThenOne", "oneThenTwo"] {
            XCTAssertLessThan(try MPIHarness.largestWeightDifference(run("straight"), run(resumed)), 2 * Self.weightTolerance, resumed)
            let epochs = try CLIHarness.metrics(in: run(resumed)).compactMap { $0["epoch"] as? Int }
            XCTAssertEqual(epochs, [1, 1, 2, 2], resumed)
        }
    }

    /// kill -9 of one rank mid-epoch ends the job (mpirun's notice), leaves a checkpoint that
    /// loads, and the run resumes to its end.
    func testKillingOneRankEndsTheJobAndTheRunResumes() throws {
        let out = run("killed")
        let job = MPIHarness.process(ranks: 2, vaeArguments + ["--batch-size", "8", "--epochs", "40", "--out", out.path])
        job.standardOutput = Pipe()
        job.standardError = Pipe()
        try job.run()
        defer { if job.isRunning { job.terminate() } }
        // Once the first epoch is in metrics.jsonl, a moment into the second.
        let deadline = Date().addingTimeInterval(120)
        while (try? CLIHarness.metrics(in: out).count) ?? 0 < 2 && job.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let victim = try XCTUnwrap(Self.process(withRank: 1, running: CLIHarness.executable.path), "rank 1 not found")
        kill(victim, SIGKILL)
        let killed = Date()
        while job.isRunning && Date().timeIntervalSince(killed) < 30 { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(job.isRunning, "the job still runs 30 s after one rank was killed")
        XCTAssertNotEqual(job.terminationStatus, 0)

        let evaluation = try CLIHarness.run(["eval", out.path, "--json"])
        XCTAssertEqual(evaluation.status, 0, evaluation.errors)
        let completed = try CLIHarness.metrics(in: out).compactMap { $0["epoch"] as? Int }.max() ?? 0
        let resumed = try MPIHarness.run(ranks: 2, ["train", "vae", "--resume", "--epochs", String(completed + 1), "--out", out.path])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        // The killed rank could not delete its temporary run folder; the next job's rank 1 did.
        let temporary = FileManager.default.temporaryDirectory.path
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("latent-rank1-\(victim)-") }
        XCTAssertEqual(leftovers, [], "the killed rank's temporary run folder is still in \(temporary)")
    }

    func testRanksStartedWithDifferentFlagsAreRefused() throws {
        let out = run("mixed")
        let result = try MPIHarness.run(ranks: 2, [], perRank: [vaeArguments + ["--epochs", "1", "--out", out.path],
                                                                vaeArguments + ["--epochs", "2", "--out", out.path]])
        CLIHarness.assertRefused(result, mentioning: ["different command lines"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused job created \(out.path)")
    }

    func testMoreRanksThanExamplesPerBatchAreRefusedAndTheRunIsUntouched() throws {
        let out = run("existing")
        XCTAssertEqual(try CLIHarness.run(vaeArguments + ["--batch-size", "2", "--epochs", "1", "--out", out.path]).status, 0)
        let before = try Data(contentsOf: out.appendingPathComponent("checkpoint.safetensors"))
        let result = try MPIHarness.run(ranks: 3, ["train", "vae", "--resume", "--epochs", "2", "--out", out.path])
        CLIHarness.assertRefused(result, mentioning: ["3 processes", "--batch-size"])
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("checkpoint.safetensors")), before)
        XCTAssertEqual(try CLIHarness.metrics(in: out).count, 2)
    }

    func testOtherCommandsRefuseToRunAcrossProcesses() throws {
        let result = try MPIHarness.run(ranks: 2, ["eval", run("none").path])
        CLIHarness.assertRefused(result, mentioning: ["only `latent train`"])
    }

    // MARK: Helpers

    /// The epoch lines of two runs agree, key by key, to a relative 1e-5.
    private func assertSameFigures(_ a: URL, _ b: URL, keys: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let (first, second) = (try CLIHarness.metrics(in: a), try CLIHarness.metrics(in: b))
        XCTAssertEqual(first.count, second.count, file: file, line: line)
        for (x, y) in zip(first, second) {
            for key in keys {
                guard let u = (x[key] as? NSNumber)?.doubleValue else { continue }
                let v = try XCTUnwrap((y[key] as? NSNumber)?.doubleValue, "\(key) missing", file: file, line: line)
                XCTAssertEqual(u, v, accuracy: 1e-5 * max(1, abs(u)), "\(key) of \(x["split"] ?? "")", file: file, line: line)
            }
        }
    }

    /// The process id of the `latent` process of rank `rank`, from the environment mpirun gave it.
    private static func process(withRank rank: Int, running executable: String) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = pid_t(entry),
                  let command = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8),
                  command.hasPrefix(executable + "\u{0}"),
                  let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/environ")) else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
