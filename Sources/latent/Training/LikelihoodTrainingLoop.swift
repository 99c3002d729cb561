import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Runs the epochs of an exact-likelihood image model's training (a PixelCNN, the
/// independent-pixels baseline): progress, the exact test likelihood after every epoch, metrics,
/// sample images and an atomic checkpoint after every epoch (and on Ctrl-C).
struct LikelihoodTrainingLoop<Configuration: ExactLikelihoodConfiguration> {
    let configuration: Configuration
    let model: Configuration.Model
    let training: Trainer<ImageBatch>
    let splits: DataSource.Splits
    let folder: RunFolder

    func run() throws {
        let pixels = configuration.pixels
        let trainingData = ImageTrainingData(splits.training, pixels: pixels, batchSize: configuration.batchSize)
        let testSet = pixels.evaluationSet(splits.test)
        TrainingLog.write("training \(configuration.summary) with \(model.parameterCount) parameters on \(configuration.data) "
            + "(\(trainingData.images.count) images, \(pixels.summary)), "
            + "Adam \(configuration.learningRate), batch \(configuration.batchSize), \(ComputeThreads.count) threads")
        let runner = EpochRunner(training: training, data: trainingData, folder: folder, epochs: configuration.epochs,
                                 trainCommand: ModelRegistry.trainCommand(configuration))
        try runner.run(status: progressStatus, closeEpoch: { epoch in
            try writeEpochRecords(epoch: epoch, sums: training.finishEpoch(), testSet: testSet)
            try drawSamples(epoch: epoch, rows: testSet.rows, columns: testSet.columns)
        })
        TrainingLog.write("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/")
    }

    /// The running −log p(x) per image for the progress bar.
    func progressStatus() -> ProgressStatus {
        let sums = training.running
        return .init(examplesPerSecond: sums.examplesPerSecond, text: "NLL \(String(format: "%.2f", sums.mean("nll")))")
    }

    func writeEpochRecords(epoch: Int, sums: RunningSums, testSet: ImageSet) throws {
        let trainNLL = sums.mean("nll")
        let trainBits: Double = bitsPerDimension(logLikelihood: -trainNLL, dataDimension: testSet.dimension)
        let common: [String: Any] = ["epoch": epoch, "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": configuration.pixels.name, "likelihood": configuration.output.rawValue]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": trainNLL, "log_likelihood": -trainNLL, "bits_per_dim": trainBits,
            "examples": sums.examples, "examples_per_second": sums.examplesPerSecond,
        ]) { $1 })
        let started = Date()
        let perImage = model.negativeLogLikelihoods(of: testSet, progressTitle: "test NLL")
        let testNLL = perImage.reduce(0, +) / Double(perImage.count)
        let testBits: Double = bitsPerDimension(logLikelihood: -testNLL, dataDimension: testSet.dimension)
        try folder.appendMetrics(common.merging([
            "split": "test", "nll": testNLL, "log_likelihood": -testNLL, "bits_per_dim": testBits,
            "examples": perImage.count, "evaluation_seconds": Date().timeIntervalSince(started),
        ]) { $1 })
        TrainingLog.write("epoch \(epoch): train NLL \(String(format: "%.2f", trainNLL)), test NLL \(String(format: "%.2f", testNLL)) nats per image "
            + "(\(String(format: "%.4f", testBits)) bits/dim), \(String(format: "%.2f", sums.seconds)) s")
    }

    /// 16 images from the model, drawn with the incremental sampler, seeded so epochs compare.
    func drawSamples(epoch: Int, rows: Int, columns: Int) throws {
        var generator = RandomGenerator(seed: TrainingLoop.pictureSeed)
        let labels = model.isConditional ? (0..<16).map { $0 % model.classes } : nil
        let images = model.sample(count: 16, height: rows, width: columns, labels: labels, using: &generator)
        try Pictures.write(try Pictures.grid(images.reshaped([16, rows * columns]), imageRows: rows, imageColumns: columns, gridColumns: 4),
                           to: try folder.picture(nil, default: String(format: "samples-epoch-%03d.png", epoch)))
    }
}
