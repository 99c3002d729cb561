import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// What a VAE, conditional VAE or autoencoder reports while it trains: the objective and its terms
/// on the training, validation and test images after every epoch, and sample and reconstruction
/// grids.
struct ImageModelReport: EpochReport {
    let configuration: VAEConfiguration
    let model: any LatentImageModel
    let training: Trainer<ImageBatch>
    let trainingData: ImageTrainingData
    let evaluationSets: [(String, ImageSet)]
    let folder: RunFolder

    init(configuration: VAEConfiguration, model: any LatentImageModel, training: Trainer<ImageBatch>,
         splits: DataSource.Splits, folder: RunFolder) {
        let pixels = configuration.pixels
        (self.configuration, self.model, self.training, self.folder) = (configuration, model, training, folder)
        trainingData = configuration.trainingData(splits.training)
        evaluationSets = [("validation", splits.validation.map(pixels.evaluationSet)), ("test", pixels.evaluationSet(splits.test))]
            .compactMap { name, set in set.map { (name, $0) } }
    }

    /// Seeds of the evaluation noise and of the fixed prior draws in the per-epoch sample grids.
    static let evaluationSeed: UInt64 = 0xE7A1
    static let pictureSeed: UInt64 = 0x5A3B1E

    var opening: String {
        "training \(configuration.summary) (\(model.parameterCount) parameters) on \(configuration.data) "
            + "(\(trainingData.images.count) images, \(configuration.pixels.summary)), \(configuration.likelihood) likelihood, "
            + "β \(configuration.beta.summary), \(configuration.optimizer) \(configuration.learningRate), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, \(training.settings.precision.rawValue) GEMMs on \(GEMMBackend.summary)"
    }

    var closing: String { "done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and images/" }

    /// The running loss per image for the progress bar.
    func status(_ sums: RunningSums) -> ProgressStatus {
        let loss = sums.mean("reconstruction") + sums.mean("kl")
        return .init(examplesPerSecond: sums.examplesPerSecond, text: "loss \(String(format: "%.2f", loss))")
    }

    /// Metrics and pictures of a completed epoch.
    func close(epoch: Int, sums: RunningSums) throws {
        try writeEpochRecords(epoch: epoch, sums: sums, beta: training.beta)
        try drawPictures(epoch: epoch, testSet: evaluationSets.last!.1)
    }

    func writeEpochRecords(epoch: Int, sums: RunningSums, beta: Float) throws {
        let common: [String: Any] = ["epoch": epoch, "beta": Double(beta), "seconds": sums.seconds, "step": training.optimizer.stepCount,
                                     "pixels": configuration.pixels.name, "likelihood": configuration.likelihood.rawValue]
        let trainEstimate = ObjectiveEstimate(reconstruction: sums.mean("reconstruction"),
                                              kl: model.isVariational ? sums.mean("kl") : nil, count: sums.examples)
        var line = "epoch \(epoch): train \(describe(trainEstimate))"
        try folder.appendMetrics(common.merging(record(trainEstimate, split: "train")) { $1 }
            .merging(["examples_per_second": sums.examplesPerSecond]) { $1 })
        for (name, set) in evaluationSets {
            var generator = RandomGenerator(seed: Self.evaluationSeed)
            let estimate = SplitEvaluation.objective { model.evaluateObjective(on: set.tensor(), labels: set.labels, using: &generator) }
            try folder.appendMetrics(common.merging(record(estimate, split: name)) { $1 })
            line += ", \(name) \(describe(estimate))"
        }
        TrainingLog.write(line + ", \(String(format: "%.2f", sums.seconds)) s")
    }

    /// A metrics.jsonl record of an estimate. An autoencoder has no ELBO and no KL: those keys are
    /// null rather than numbers that would read as a bound.
    /// Evaluation lines of a VAE also carry `kl_per_dimension`, the KL of each latent dimension.
    /// Under a likelihood over 8-bit levels the ELBO also becomes `bits_per_dim`, a bound over C·H·W values.
    func record(_ estimate: ObjectiveEstimate, split: String) -> [String: Any] {
        var record: [String: Any] = ["split": split, "elbo": estimate.elbo ?? NSNull(), "reconstruction": estimate.reconstruction,
                                     "kl": estimate.kl ?? NSNull(), "examples": estimate.count]
        if let perDimension = estimate.klPerDimension { record["kl_per_dimension"] = perDimension }
        if let bits = bitsBound(estimate) { record["bits_per_dim"] = bits }
        return record
    }

    /// −ELBO in bits/dim for a VAE with a likelihood over levels; nil otherwise.
    func bitsBound(_ estimate: ObjectiveEstimate) -> Double? {
        guard configuration.likelihood.isDiscreteOverLevels, let elbo = estimate.elbo else { return nil }
        return bitsPerDimension(logLikelihood: elbo, dataDimension: model.dataDimension)
    }

    func describe(_ estimate: ObjectiveEstimate) -> String {
        guard let elbo = estimate.elbo, let kl = estimate.kl else {
            return "reconstruction \(String(format: "%.2f", estimate.reconstruction))"
        }
        let bits = bitsBound(estimate).map { ", \(String(format: "%.3f", $0)) bits/dim" } ?? ""
        return "−ELBO \(String(format: "%.2f", -elbo)) (KL \(String(format: "%.2f", kl))\(bits))"
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
