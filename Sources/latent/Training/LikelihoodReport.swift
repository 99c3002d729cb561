import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// What an exact-likelihood image model (a PixelCNN, the independent-pixels baseline) reports
/// while it trains: the training −log p(x) and the exact test likelihood after every epoch, in nats
/// and bits/dim, and a grid of samples.
struct LikelihoodReport<Configuration: ExactLikelihoodConfiguration>: EpochReport {
    let configuration: Configuration
    let model: Configuration.Model
    let training: Trainer<ImageBatch>
    let trainingData: ImageTrainingData
    let testSet: ImageSet
    let folder: RunFolder

    init(configuration: Configuration, model: Configuration.Model, training: Trainer<ImageBatch>,
         splits: DataSource.Splits, folder: RunFolder) {
        (self.configuration, self.model, self.training, self.folder) = (configuration, model, training, folder)
        trainingData = configuration.trainingData(splits.training)
        testSet = configuration.pixels.evaluationSet(splits.test)
    }

    var opening: String {
        "training \(configuration.summary) with \(model.parameterCount) parameters on \(configuration.data) "
            + "(\(trainingData.images.count) images, \(configuration.pixels.summary)), "
            + "Adam \(configuration.learningRate), batch \(configuration.batchSize), \(ComputeThreads.count) threads, \(training.settings.precision.rawValue) GEMMs"
    }

    var closing: String { "done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/" }

    /// Metrics and samples of a completed epoch.
    func close(epoch: Int, sums: RunningSums) throws {
        try writeEpochRecords(epoch: epoch, sums: sums)
        try drawSamples(epoch: epoch)
    }

    /// The running −log p(x) per image for the progress bar.
    func status(_ sums: RunningSums) -> ProgressStatus {
        .init(examplesPerSecond: sums.examplesPerSecond, text: "NLL \(String(format: "%.2f", sums.mean("nll")))")
    }

    func writeEpochRecords(epoch: Int, sums: RunningSums) throws {
        let trainNLL = sums.mean("nll")
        let trainBits: Double = bitsPerDimension(logLikelihood: -trainNLL, dataDimension: testSet.dimension)
        let common: [String: Any] = ["epoch": epoch, "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": configuration.pixels.name, "likelihood": configuration.output.rawValue]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": trainNLL, "log_likelihood": -trainNLL, "bits_per_dim": trainBits,
            "examples": sums.examples, "examples_per_second": sums.examplesPerSecond,
        ]) { $1 })
        let started = Date()
        let (testTotal, testCount) = SplitEvaluation.sumAndCount { model.negativeLogLikelihoods(of: testSet, progressTitle: "test NLL") }
        let testNLL = testTotal / Double(testCount)
        let testBits: Double = bitsPerDimension(logLikelihood: -testNLL, dataDimension: testSet.dimension)
        try folder.appendMetrics(common.merging([
            "split": "test", "nll": testNLL, "log_likelihood": -testNLL, "bits_per_dim": testBits,
            "examples": testCount, "evaluation_seconds": Date().timeIntervalSince(started),
        ]) { $1 })
        TrainingLog.write("epoch \(epoch): train NLL \(String(format: "%.2f", trainNLL)), test NLL \(String(format: "%.2f", testNLL)) nats per image "
            + "(\(String(format: "%.4f", testBits)) bits/dim), \(String(format: "%.2f", sums.seconds)) s")
    }

    /// 16 images from the model, drawn with the incremental sampler, seeded so epochs compare.
    func drawSamples(epoch: Int) throws {
        let (rows, columns) = (testSet.rows, testSet.columns)
        var generator = RandomGenerator(seed: ImageModelReport.pictureSeed)
        let labels = model.isConditional ? (0..<16).map { $0 % model.classes } : nil
        let images = model.sample(count: 16, height: rows, width: columns, labels: labels, using: &generator)
        try Pictures.write(try Pictures.grid(images.reshaped([16, testSet.dimension]), channels: testSet.channels, imageRows: rows,
                                             imageColumns: columns, gridColumns: 4),
                           to: try folder.picture(nil, default: String(format: "samples-epoch-%03d.png", epoch)))
    }
}
