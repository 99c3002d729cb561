import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Runs the epochs of an image model's training: progress, per-epoch evaluation, metrics, images and an
/// atomic checkpoint after every epoch (and on Ctrl-C).
struct TrainingLoop {
    let configuration: VAEConfiguration
    let model: any LatentImageModel
    let training: Trainer<ImageBatch>
    let splits: DataSource.Splits
    let folder: RunFolder

    /// Seeds of the evaluation noise and of the fixed prior draws in the per-epoch sample grids.
    static let evaluationSeed: UInt64 = 0xE7A1
    static let pictureSeed: UInt64 = 0x5A3B1E

    func run() throws {
        let pixels = configuration.pixels
        let trainingData = ImageTrainingData(splits.training, pixels: pixels, batchSize: configuration.batchSize)
        let evaluationSets = [("validation", splits.validation.map(pixels.evaluationSet)), ("test", pixels.evaluationSet(splits.test))]
            .compactMap { name, set in set.map { (name, $0) } }
        TrainingLog.write("training \(configuration.summary) (\(model.parameterCount) parameters) on \(configuration.data) "
            + "(\(trainingData.images.count) images, \(pixels.summary)), \(configuration.likelihood) likelihood, β \(configuration.beta.summary), "
            + "\(configuration.optimizer.rawValue) \(configuration.learningRate), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, OpenBLAS \(BLASRuntime.coreName)")
        let runner = EpochRunner(training: training, data: trainingData, folder: folder, epochs: configuration.epochs,
                                 trainCommand: ModelRegistry.trainCommand(configuration))
        try runner.run(status: progressStatus, closeEpoch: { epoch in try closeEpoch(epoch, evaluationSets: evaluationSets) })
        TrainingLog.write("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/")
    }

    /// The running loss per image for the progress bar.
    func progressStatus() -> ProgressStatus {
        let sums = training.running
        let loss = sums.mean("reconstruction") + sums.mean("kl")
        return .init(examplesPerSecond: sums.examplesPerSecond, text: "loss \(String(format: "%.2f", loss))")
    }

    /// Metrics and pictures of a completed epoch.
    func closeEpoch(_ epoch: Int, evaluationSets: [(String, ImageSet)]) throws {
        let beta = training.beta
        let sums = training.finishEpoch()
        try writeEpochRecords(epoch: epoch, sums: sums, beta: beta, evaluationSets: evaluationSets)
        try drawPictures(epoch: epoch, testSet: evaluationSets.last!.1)
    }

    func writeEpochRecords(epoch: Int, sums: RunningSums, beta: Float, evaluationSets: [(String, ImageSet)]) throws {
        let common: [String: Any] = ["epoch": epoch, "beta": Double(beta), "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": configuration.pixels.name, "likelihood": configuration.likelihood.rawValue]
        let trainEstimate = ObjectiveEstimate(reconstruction: sums.mean("reconstruction"),
                                              kl: model.isVariational ? sums.mean("kl") : nil, count: sums.examples)
        var line = "epoch \(epoch): train \(Self.describe(trainEstimate))"
        try folder.appendMetrics(common.merging(Self.record(trainEstimate, split: "train")) { $1 }
            .merging(["examples_per_second": sums.examplesPerSecond]) { $1 })
        for (name, set) in evaluationSets {
            var generator = RandomGenerator(seed: Self.evaluationSeed)
            let estimate = model.evaluateObjective(on: set.tensor(), labels: set.labels, using: &generator)
            try folder.appendMetrics(common.merging(Self.record(estimate, split: name)) { $1 })
            line += ", \(name) \(Self.describe(estimate))"
        }
        TrainingLog.write(line + ", \(String(format: "%.2f", sums.seconds)) s")
    }

    /// A metrics.jsonl record of an estimate. An autoencoder has no ELBO and no KL: those keys are
    /// null rather than numbers that would read as a bound.
    static func record(_ estimate: ObjectiveEstimate, split: String) -> [String: Any] {
        ["split": split, "elbo": estimate.elbo ?? NSNull(), "reconstruction": estimate.reconstruction,
         "kl": estimate.kl ?? NSNull(), "examples": estimate.count]
    }

    static func describe(_ estimate: ObjectiveEstimate) -> String {
        guard let elbo = estimate.elbo, let kl = estimate.kl else {
            return "reconstruction \(String(format: "%.2f", estimate.reconstruction))"
        }
        return "−ELBO \(String(format: "%.2f", -elbo)) (KL \(String(format: "%.2f", kl)))"
    }

    func drawPictures(epoch: Int, testSet: ImageSet) throws {
        let name = String(format: "epoch-%03d.png", epoch)
        if let model = model as? VAE {
            let labels = model.classCount > 0 ? Pictures.labelRows(classes: model.classCount, columns: 8) : nil
            try Pictures.write(try Pictures.samples(model, count: labels?.count ?? 64, labels: labels, gridColumns: 8,
                                                    imageRows: testSet.rows, imageColumns: testSet.columns, seed: Self.pictureSeed),
                               to: try folder.picture(nil, default: "samples-" + name))
        }
        try Pictures.write(try Pictures.reconstructions(model, images: testSet, count: 32, gridColumns: 8),
                           to: try folder.picture(nil, default: "reconstructions-" + name))
    }
}
