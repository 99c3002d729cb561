import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Runs the epochs of a VAE training: progress, per-epoch evaluation, metrics, images and an
/// atomic checkpoint after every epoch (and on Ctrl-C).
struct TrainingLoop {
    let training: VAETraining
    let splits: DataSource.Splits
    let folder: RunFolder

    /// Seeds of the evaluation noise and of the fixed prior draws in the per-epoch sample grids.
    static let evaluationSeed: UInt64 = 0xE7A1
    static let pictureSeed: UInt64 = 0x5A3B1E

    func run() throws {
        let configuration = training.configuration
        let pixels = configuration.pixels
        let trainingSet = pixels.trainingSet(splits.training)
        let evaluationSets = [("validation", splits.validation.map(pixels.evaluationSet)), ("test", pixels.evaluationSet(splits.test))]
            .compactMap { name, set in set.map { (name, $0) } }
        log("training VAE \(configuration.hiddenSizes.map(String.init).joined(separator: "-"))→\(configuration.latentDimension) on \(configuration.data) "
            + "(\(trainingSet.count) images, \(pixels.summary)), \(configuration.likelihood) likelihood, β \(configuration.beta.summary), "
            + "\(configuration.optimizer) \(configuration.learningRate), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, OpenBLAS \(BLASRuntime.coreName)")
        Interruption.install()
        while training.completedEpochs < configuration.epochs {
            let epoch = training.completedEpochs + 1
            let progress = Progress(title: "epoch \(epoch)/\(configuration.epochs)", total: (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize)
            let finished = training.trainEpoch(on: trainingSet, shouldStop: { Interruption.isRequested }) { done, _ in
                let sums = training.running
                let loss = sums.examples > 0 ? (sums.reconstruction + sums.kl) / Double(sums.examples) : 0
                progress.update(done: done, examplesPerSecond: Double(sums.examples) / max(sums.seconds, 1e-9),
                                status: "loss \(String(format: "%.2f", loss))")
            }
            guard finished else {
                try saveCheckpoint()
                throw CommandError("Interrupted: saved a checkpoint at epoch \(epoch), batch \(training.batchesDone); "
                                   + "continue with: latent train vae --out \(folder.url.path) --resume")
            }
            let beta = training.beta
            let sums = training.finishEpoch()
            try writeEpochRecords(epoch: epoch, sums: sums, beta: beta, evaluationSets: evaluationSets)
            try drawPictures(epoch: epoch, testSet: evaluationSets.last!.1)
            try saveCheckpoint()
        }
        log("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/")
    }

    func writeEpochRecords(epoch: Int, sums: VAETraining.RunningSums, beta: Float,
                           evaluationSets: [(String, ImageSet)]) throws {
        let configuration = training.configuration
        let examples = Double(max(sums.examples, 1))
        let common: [String: Any] = ["epoch": epoch, "beta": Double(beta), "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": configuration.pixels.name, "likelihood": configuration.likelihood]
        var line = "epoch \(epoch): train −ELBO \(String(format: "%.2f", (sums.reconstruction + sums.kl) / examples))"
        try folder.appendMetrics(common.merging([
            "split": "train", "elbo": -(sums.reconstruction + sums.kl) / examples,
            "reconstruction": sums.reconstruction / examples, "kl": sums.kl / examples,
            "examples": sums.examples, "examples_per_second": examples / max(sums.seconds, 1e-9),
        ]) { $1 })
        for (name, set) in evaluationSets {
            var generator = RandomGenerator(seed: Self.evaluationSeed)
            let estimate = training.model.evaluateELBO(on: set.tensor(), using: &generator)
            try folder.appendMetrics(common.merging([
                "split": name, "elbo": estimate.elbo, "reconstruction": estimate.reconstruction, "kl": estimate.kl,
                "examples": estimate.count,
            ]) { $1 })
            line += ", \(name) −ELBO \(String(format: "%.2f", -estimate.elbo)) (KL \(String(format: "%.2f", estimate.kl)))"
        }
        log(line + ", \(String(format: "%.2f", sums.seconds)) s")
    }

    func drawPictures(epoch: Int, testSet: ImageSet) throws {
        let name = String(format: "epoch-%03d.png", epoch)
        try Pictures.write(try Pictures.samples(training.model, count: 64, gridColumns: 8, imageRows: testSet.rows, imageColumns: testSet.columns,
                                                seed: Self.pictureSeed), to: folder.image("samples-" + name))
        try Pictures.write(try Pictures.reconstructions(training.model, images: testSet, count: 32, gridColumns: 8),
                           to: folder.image("reconstructions-" + name))
    }

    func saveCheckpoint() throws {
        do { try training.saveCheckpoint(to: folder.checkpoint) } catch {
            throw CommandError("Cannot write the checkpoint \(folder.checkpoint.path): \(error)")
        }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
