import Foundation
import GenerativeModels

/// A training run that can be stopped between batches and continued from its checkpoint.
protocol CheckpointedTraining: AnyObject {
    /// Epochs completed.
    var completedEpochs: Int { get }
    /// Batches of the current epoch already trained on.
    var batchesDone: Int { get }
    /// Writes everything a resumed run needs, atomically.
    func saveCheckpoint(to url: URL) throws
}

extension EpochTraining: CheckpointedTraining {}
extension SentenceTraining: CheckpointedTraining {}

/// The epoch loop every training command shares: a progress bar over each epoch's batches, the
/// command's own end-of-epoch work, and an atomic checkpoint after every epoch. On Ctrl-C it stops
/// after the current batch, saves a checkpoint and throws the error that says how to continue.
struct EpochRunner {
    let training: any CheckpointedTraining
    let folder: RunFolder
    /// The epoch count the run ends at.
    let epochs: Int
    /// The `latent train` subcommand (with its flags) that resumes this run.
    let trainCommand: String

    /// What the progress bar shows after a batch.
    struct Status {
        /// Examples (images or sentences) per second so far this epoch.
        var examplesPerSecond: Double
        /// Loss figures, for example "loss 254.31".
        var text: String
    }

    /// Runs the remaining epochs.
    ///
    /// - Parameters:
    ///   - batchesPerEpoch: the length of the progress bar.
    ///   - trainEpoch: trains the rest of the current epoch; it must call `afterBatch` with the
    ///     batches done after each batch and stop when `shouldStop` returns true. Returns whether
    ///     the epoch was completed.
    ///   - status: the progress bar's figures, read after each batch.
    ///   - closeEpoch: the command's work after a completed epoch (metrics, pictures), before its
    ///     checkpoint; given the epoch's number.
    func run(batchesPerEpoch: Int,
             trainEpoch: (_ shouldStop: () -> Bool, _ afterBatch: (Int) -> Void) -> Bool,
             status: @escaping () -> Status,
             closeEpoch: (_ epoch: Int) throws -> Void) throws {
        Interruption.install()
        while training.completedEpochs < epochs {
            let epoch = training.completedEpochs + 1
            let progress = Progress(title: "epoch \(epoch)/\(epochs)", total: batchesPerEpoch)
            let finished = trainEpoch({ Interruption.isRequested }) { done in
                let figures = status()
                progress.update(done: done, examplesPerSecond: figures.examplesPerSecond, status: figures.text)
            }
            guard finished else {
                try saveCheckpoint()
                throw Interruption.stoppedError(epoch: epoch, batch: training.batchesDone, trainCommand: trainCommand, folder: folder.url)
            }
            try closeEpoch(epoch)
            try saveCheckpoint()
        }
    }

    func saveCheckpoint() throws {
        do { try training.saveCheckpoint(to: folder.checkpoint) } catch {
            throw CommandError("Cannot write the checkpoint \(folder.checkpoint.path): \(error)")
        }
    }

    /// A line on standard error, where progress and epoch summaries go (standard output stays for
    /// results a script reads).
    static func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Examples per second from a count and the seconds they took.
    static func rate(_ examples: Int, seconds: Double) -> Double {
        Double(examples) / max(seconds, 1e-9)
    }
}
