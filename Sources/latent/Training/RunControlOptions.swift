import ArgumentParser
import Foundation
import GenerativeModels
import TensorCore

/// The flags every `latent train` command takes to start or continue a run folder, and the checks
/// that go with them.
struct RunControlOptions: ParsableArguments {
    @Option(help: "Epochs in total (default: the model's; with --resume: the new total).") var epochs: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads for GEMMs and elementwise loops (default 2; with --resume, the run's).") var threads: Int?
    @Option(help: "Number format of the training steps' GEMMs; bf16 rounds their operands and sums in FP32, evaluation stays FP32 (default fp32; with --resume, the run's).")
    var precision: GEMMPrecision?
    @Option(help: "Run folder to create.") var out: String
    @Flag(help: "Continue the run in --out from its checkpoint.") var resume = false

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs ?? 1).") }
    }

    /// The thread count of a new run.
    var newRunThreads: Int { threads ?? 2 }

    /// The GEMM precision of a new run's training steps.
    var newRunPrecision: GEMMPrecision { precision ?? .float32 }

    /// A resumed run's epoch and thread counts, with --epochs and --threads applied, and its
    /// precision, recorded from now on even for a run written before it was (those trained in fp32).
    /// - Throws: when --precision differs from the run's: a run trains in one precision throughout,
    ///   so that resuming it gives what one uninterrupted training gives.
    func resumed(epochs: inout Int, threads: inout Int, precision: inout GEMMPrecision?) throws {
        let recorded = precision ?? .float32
        if let asked = self.precision, asked != recorded {
            throw CommandError("--precision \(asked.rawValue) does not match the run in \(out), which trains in \(recorded.rawValue); "
                + "resume it without --precision, or start a new run.")
        }
        precision = recorded
        if let newEpochs = self.epochs { epochs = newEpochs }
        if let newThreads = self.threads { threads = newThreads }
    }

    /// Runs `body` (a whole training) in `folder` while this process holds the run folder's lock
    /// (``RunLock``), after removing what interrupted writes left in the folder. A new run's folder
    /// is created first, and removed again if `body` fails before writing anything into it; a
    /// resumed run's folder must exist (when it does not, `body` reports that in its own words).
    /// In a data parallel job rank 0 holds the folder and the others train in a private copy
    /// (``DataParallelRun``): `body` gets the folder it is to use.
    func whileHoldingRunFolder(_ folder: RunFolder, _ body: (RunFolder) throws -> Void) throws {
        guard let group = DataParallelRun.group else { return try holding(folder) { try body(folder) } }
        try DataParallelRun.whileHolding(folder, group: group, control: self, body)
    }

    /// Runs `body` while this process holds `folder`.
    func holding(_ folder: RunFolder, _ body: () throws -> Void) throws {
        if resume, !folder.exists { return try body() }
        let created = !folder.exists
        try folder.createDirectory()
        do {
            let lock = try RunLock(folder)
            folder.removeTemporaryFiles()
            try withExtendedLifetime(lock) { try body() }
        } catch {
            if created, folder.entries.isEmpty { try? FileManager.default.removeItem(at: folder.url) }
            throw error
        }
    }

    /// Refuses to start a new run in a folder that already holds a run or other files; an unborn
    /// run (stopped before its first checkpoint) is cleared and started afresh.
    func checkNewRunFolder(_ folder: RunFolder) throws {
        guard !folder.entries.isEmpty else { return }
        guard folder.isUnborn else {
            throw CommandError("Run folder \(out) already exists; pass --resume to continue it, or choose another --out.")
        }
        try folder.clearUnbornRun()
        TrainingLog.write("\(out) held a run stopped before its first checkpoint; starting it afresh.")
    }

    /// Refuses to resume a folder without a checkpoint.
    func checkResumable(_ folder: RunFolder) throws {
        guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else {
            throw CommandError("Cannot resume \(out): it has no checkpoint.safetensors.")
        }
    }

    /// Makes the run folder ready for `trainer`, the same way for every model: a resumed run's
    /// trainer is restored from its checkpoint and the metrics of the epochs it trains again are
    /// dropped; a new run's folder is created (with images/ for models that draw) and gets its
    /// `newRunFiles`. Then config.json is written, which records a new --epochs or --threads, and
    /// a new run writes its first checkpoint before its first batch: from then on the folder can
    /// be resumed, whenever the training stops.
    /// In a data parallel job the trainer joins the job's processes here.
    func prepare<Batch>(_ folder: RunFolder, for trainer: Trainer<Batch>, configuration: some Encodable, batchSize: Int,
                        withImages: Bool = true, newRunFiles: () throws -> Void = {}) throws {
        try DataParallelRun.check(batchSize: batchSize)
        if let group = DataParallelRun.group { DataParallelRun.join(trainer, to: group) }
        if resume {
            try checkResumable(folder)
            do { try trainer.loadCheckpoint(from: folder.checkpoint) } catch { throw CommandError("\(error)") }
            try folder.keepMetrics(throughEpoch: trainer.completedEpochs)
        } else {
            try folder.create(withImages: withImages)
            try newRunFiles()
        }
        try folder.write(configuration)
        if !resume {
            do { try trainer.saveCheckpoint(to: folder.checkpoint) } catch {
                throw CommandError("\(error)")   // names the file and the reason
            }
        }
    }
}

/// `--precision fp32` or `--precision bf16`, spelled as config.json spells it.
extension GEMMPrecision: ExpressibleByArgument {}
