import ArgumentParser
import Foundation

/// The flags every `latent train` command takes to start or continue a run folder, and the checks
/// that go with them.
struct RunControlOptions: ParsableArguments {
    @Option(help: "Epochs in total (default: the model's; with --resume: the new total).") var epochs: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads for GEMMs and elementwise loops (default 2; with --resume, the run's).") var threads: Int?
    @Option(help: "Run folder to create.") var out: String
    @Flag(help: "Continue the run in --out from its checkpoint.") var resume = false

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs must be at least 1.") }
    }

    /// The thread count of a new run.
    var newRunThreads: Int { threads ?? 2 }

    /// A resumed run's epoch and thread counts, with --epochs and --threads applied.
    func resumed(epochs: inout Int, threads: inout Int) {
        if let newEpochs = self.epochs { epochs = newEpochs }
        if let newThreads = self.threads { threads = newThreads }
    }

    /// Refuses to start a new run in a folder that already holds something.
    func checkNewRunFolder(_ folder: RunFolder) throws {
        if folder.isNonEmpty {
            throw CommandError("Run folder \(out) already exists; pass --resume to continue it, or choose another --out.")
        }
    }

    /// Refuses to resume a folder without a checkpoint.
    func checkResumable(_ folder: RunFolder) throws {
        guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else {
            throw CommandError("Cannot resume \(out): it has no checkpoint.safetensors.")
        }
    }
}
