import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Runs the epochs of a PixelCNN training: progress, the exact test likelihood after every epoch,
/// metrics, sample images and an atomic checkpoint after every epoch (and on Ctrl-C).
struct PixelCNNTrainingLoop {
    let training: PixelCNNTraining
    let splits: DataSource.Splits
    let folder: RunFolder

    func run() throws {
        let configuration = training.configuration
        let pixels = configuration.pixels
        let trainingSet = pixels.trainingSet(splits.training)
        let testSet = pixels.evaluationSet(splits.test)
        let model = training.objective.model
        log("training PixelCNN (\(model.isGated ? "gated" : "residual"), \(configuration.channels) channels, \(configuration.residualBlocks) layers after "
            + "the \(configuration.firstKernelSize)×\(configuration.firstKernelSize) mask-A layer, \(model.distribution), \(model.parameterCount) parameters"
            + "\(model.isConditional ? ", class-conditional" : "")) on \(configuration.data) (\(trainingSet.count) images, \(pixels.summary)), "
            + "Adam \(configuration.learningRate), batch \(configuration.batchSize), \(ComputeThreads.count) threads")
        Interruption.install()
        while training.completedEpochs < configuration.epochs {
            let epoch = training.completedEpochs + 1
            let progress = Progress(title: "epoch \(epoch)/\(configuration.epochs)", total: (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize)
            let finished = training.trainEpoch(on: trainingSet, shouldStop: { Interruption.isRequested }) { done, _ in
                let sums = training.running
                progress.update(done: done, examplesPerSecond: Double(sums.examples) / max(sums.seconds, 1e-9),
                                status: "NLL \(String(format: "%.2f", sums.reconstruction / Double(max(sums.examples, 1))))")
            }
            guard finished else {
                try saveCheckpoint()
                throw Interruption.stoppedError(epoch: epoch, batch: training.batchesDone, trainCommand: "pixelcnn", folder: folder.url)
            }
            let sums = training.finishEpoch()
            try writeEpochRecords(epoch: epoch, sums: sums, testSet: testSet)
            try drawSamples(epoch: epoch, rows: testSet.rows, columns: testSet.columns)
            try saveCheckpoint()
        }
        log("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/")
    }

    func writeEpochRecords(epoch: Int, sums: EpochTraining.RunningSums, testSet: ImageSet) throws {
        let trainNLL = sums.reconstruction / Double(max(sums.examples, 1))
        let trainBits: Double = bitsPerDimension(logLikelihood: -trainNLL, dataDimension: testSet.dimension)
        let common: [String: Any] = ["epoch": epoch, "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": training.configuration.pixels.name, "likelihood": training.configuration.output]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": trainNLL, "log_likelihood": -trainNLL, "bits_per_dim": trainBits,
            "examples": sums.examples, "examples_per_second": Double(sums.examples) / max(sums.seconds, 1e-9),
        ]) { $1 })
        let started = Date()
        let bar = Progress(title: "test NLL", total: testSet.count)
        let perImage = training.objective.negativeLogLikelihoods(testSet.tensor(), labels: testSet.labels) { done, _ in
            bar.update(done: done, examplesPerSecond: Double(done) / max(Date().timeIntervalSince(started), 1e-9), status: "")
        }
        let testNLL = perImage.reduce(0, +) / Double(perImage.count)
        let testBits: Double = bitsPerDimension(logLikelihood: -testNLL, dataDimension: testSet.dimension)
        try folder.appendMetrics(common.merging([
            "split": "test", "nll": testNLL, "log_likelihood": -testNLL, "bits_per_dim": testBits,
            "examples": perImage.count, "evaluation_seconds": Date().timeIntervalSince(started),
        ]) { $1 })
        log("epoch \(epoch): train NLL \(String(format: "%.2f", trainNLL)), test NLL \(String(format: "%.2f", testNLL)) nats per image "
            + "(\(String(format: "%.4f", testBits)) bits/dim), \(String(format: "%.2f", sums.seconds)) s")
    }

    /// 16 images from the model, drawn with the incremental sampler, seeded so epochs compare.
    func drawSamples(epoch: Int, rows: Int, columns: Int) throws {
        let model = training.objective.model
        var generator = RandomGenerator(seed: TrainingLoop.pictureSeed)
        let labels = model.isConditional ? (0..<16).map { $0 % model.classes } : nil
        let images = model.sample(count: 16, height: rows, width: columns, labels: labels, using: &generator)
        try Pictures.write(try Pictures.grid(images.reshaped([16, rows * columns]), imageRows: rows, imageColumns: columns, gridColumns: 4),
                           to: folder.image(String(format: "samples-epoch-%03d.png", epoch)))
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
