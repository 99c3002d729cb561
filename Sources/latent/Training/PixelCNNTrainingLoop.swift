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
        EpochRunner.log("training PixelCNN (\(model.isGated ? "gated" : "residual"), \(configuration.channels) channels, \(configuration.residualBlocks) layers after "
            + "the \(configuration.firstKernelSize)×\(configuration.firstKernelSize) mask-A layer, \(model.distribution), \(model.parameterCount) parameters"
            + "\(model.isConditional ? ", class-conditional" : "")) on \(configuration.data) (\(trainingSet.count) images, \(pixels.summary)), "
            + "Adam \(configuration.learningRate), batch \(configuration.batchSize), \(ComputeThreads.count) threads")
        let runner = EpochRunner(training: training, folder: folder, epochs: configuration.epochs, trainCommand: "pixelcnn")
        try runner.run(batchesPerEpoch: (trainingSet.count + configuration.batchSize - 1) / configuration.batchSize,
                       trainEpoch: { shouldStop, afterBatch in
                           training.trainEpoch(on: trainingSet, shouldStop: shouldStop) { done, _ in afterBatch(done) }
                       },
                       status: progressStatus,
                       closeEpoch: { epoch in
                           try writeEpochRecords(epoch: epoch, sums: training.finishEpoch(), testSet: testSet)
                           try drawSamples(epoch: epoch, rows: testSet.rows, columns: testSet.columns)
                       })
        EpochRunner.log("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/")
    }

    /// The running −log p(x) per image for the progress bar.
    func progressStatus() -> EpochRunner.Status {
        let sums = training.running
        return .init(examplesPerSecond: EpochRunner.rate(sums.examples, seconds: sums.seconds),
                     text: "NLL \(String(format: "%.2f", sums.reconstruction / Double(max(sums.examples, 1))))")
    }

    func writeEpochRecords(epoch: Int, sums: EpochTraining.RunningSums, testSet: ImageSet) throws {
        let trainNLL = sums.reconstruction / Double(max(sums.examples, 1))
        let trainBits: Double = bitsPerDimension(logLikelihood: -trainNLL, dataDimension: testSet.dimension)
        let common: [String: Any] = ["epoch": epoch, "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": training.configuration.pixels.name, "likelihood": training.configuration.output]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": trainNLL, "log_likelihood": -trainNLL, "bits_per_dim": trainBits,
            "examples": sums.examples, "examples_per_second": EpochRunner.rate(sums.examples, seconds: sums.seconds),
        ]) { $1 })
        let started = Date()
        let bar = Progress(title: "test NLL", total: testSet.count)
        let perImage = training.objective.negativeLogLikelihoods(testSet.tensor(), labels: testSet.labels) { done, _ in
            bar.update(done: done)
        }
        let testNLL = perImage.reduce(0, +) / Double(perImage.count)
        let testBits: Double = bitsPerDimension(logLikelihood: -testNLL, dataDimension: testSet.dimension)
        try folder.appendMetrics(common.merging([
            "split": "test", "nll": testNLL, "log_likelihood": -testNLL, "bits_per_dim": testBits,
            "examples": perImage.count, "evaluation_seconds": Date().timeIntervalSince(started),
        ]) { $1 })
        EpochRunner.log("epoch \(epoch): train NLL \(String(format: "%.2f", trainNLL)), test NLL \(String(format: "%.2f", testNLL)) nats per image "
            + "(\(String(format: "%.4f", testBits)) bits/dim), \(String(format: "%.2f", sums.seconds)) s")
    }

    /// 16 images from the model, drawn with the incremental sampler, seeded so epochs compare.
    func drawSamples(epoch: Int, rows: Int, columns: Int) throws {
        let model = training.objective.model
        var generator = RandomGenerator(seed: TrainingLoop.pictureSeed)
        let labels = model.isConditional ? (0..<16).map { $0 % model.classes } : nil
        let images = model.sample(count: 16, height: rows, width: columns, labels: labels, using: &generator)
        try Pictures.write(try Pictures.grid(images.reshaped([16, rows * columns]), imageRows: rows, imageColumns: columns, gridColumns: 4),
                           to: try folder.picture(nil, default: String(format: "samples-epoch-%03d.png", epoch)))
    }
}
