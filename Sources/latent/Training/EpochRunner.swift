import Foundation
import GenerativeModels
import TensorCore

/// The epoch loop of every training command: a progress bar over each epoch's batches, the
/// family's report after each epoch (``EpochReport``), and an atomic checkpoint after every epoch.
/// On Ctrl-C it stops after the current batch, saves a checkpoint and throws the error that says
/// how to continue.
struct EpochRunner<Batch> {
    let training: Trainer<Batch>
    /// The training split, walked by the trainer.
    let data: any TrainingData<Batch>
    let folder: RunFolder
    /// The epoch count the run ends at.
    let epochs: Int
    /// The `latent train` subcommand (with its flags) that resumes this run.
    let trainCommand: String

    /// Runs the remaining epochs, with `report` telling what the family shows and writes.
    func run(report: some EpochReport) throws {
        var report = report
        TrainingLog.write(report.opening)
        // Said once: emulated bf16 is no faster than FP32, which a user should not have to guess.
        if training.settings.precision == .bfloat16 { TrainingLog.write(GEMMPrecision.bfloat16Execution) }
        Interruption.install()
        // Every process drew its weights from the same seed, or read the same checkpoint.
        guard training.replicasAgree() else {
            throw CommandError("Data parallel training went wrong: the processes start from different weights.", collective: true)
        }
        let batchesPerEpoch = training.batchCount(data)
        while training.completedEpochs < epochs {
            let epoch = training.completedEpochs + 1
            let progress = Progress(title: "epoch \(epoch)/\(epochs)", total: batchesPerEpoch)
            let communication = DataParallelRun.Communication(training: training)
            let finished = training.trainEpoch(on: data, shouldStop: { Interruption.isRequested }) { done, _ in
                let figures = report.status(training.running)
                progress.update(done: done, examplesPerSecond: figures.examplesPerSecond, status: figures.text)
            }
            if let divergence = training.replicaDivergence { throw CommandError("Data parallel training went wrong: \(divergence).", collective: true) }
            guard finished else {
                try saveCheckpoint()
                throw Interruption.stoppedError(epoch: epoch, batch: training.batchesDone, trainCommand: trainCommand, folder: folder.url)
            }
            guard training.replicasAgree() else {
                throw CommandError("Data parallel training went wrong: after epoch \(epoch) the processes' weights differ from rank 0's.", collective: true)
            }
            communication?.report(epoch: epoch, seconds: training.running.seconds)
            try report.close(epoch: epoch, sums: training.finishEpoch())
            try saveCheckpoint()
            // After the checkpoint, so that the page shows the state a resume starts from.
            RunReportWriter.writeDuringTraining(folder: folder, contributor: report, trainCommand: trainCommand)
        }
        TrainingLog.write(report.closing)
    }

    func saveCheckpoint() throws {
        do { try training.saveCheckpoint(to: folder.checkpoint) } catch {
            throw CommandError("\(error)")   // names the file and the reason
        }
    }
}

/// What the progress bar shows after a batch.
struct ProgressStatus {
    /// Examples (images or sentences) per second so far this epoch.
    var examplesPerSecond: Double
    /// Loss figures, for example "loss 254.31".
    var text: String
}
