import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// What a sentence VAE or RNN language model reports while it trains: figures per sentence and
/// per token on the training and validation sentences after every epoch, and a warning when the
/// posterior collapses.
struct SentenceReport: EpochReport {
    let configuration: SentenceVAEConfiguration
    let model: SentenceVAE
    let training: Trainer<SentenceBatch>
    let data: EncodedSentences
    let folder: RunFolder
    /// Consecutive epochs so far whose validation KL stayed below the collapse threshold.
    private var lowKLEpochs = 0

    init(configuration: SentenceVAEConfiguration, model: SentenceVAE, training: Trainer<SentenceBatch>,
         data: EncodedSentences, folder: RunFolder) {
        (self.configuration, self.model, self.training, self.data, self.folder) = (configuration, model, training, data, folder)
    }

    /// The training sentences as the trainer walks them.
    var trainingData: SentenceTrainingData { SentenceTrainingData(data.training, batchSize: configuration.batchSize) }

    /// Seed of the evaluation noise: every epoch's validation figures use the same ε stream.
    static let evaluationSeed: UInt64 = 0xE7A1
    /// Consecutive epochs of KL below the threshold before the collapse warning.
    static let collapseEpochs = 2

    var opening: String {
        "training \(configuration.summary) (\(model.parameterCount) parameters) on \(configuration.data): "
            + "\(data.training.count) training, \(data.validation.count) validation, \(data.test.count) test sentences, "
            + "vocabulary \(data.vocabulary.count); β \(model.isVariational ? configuration.beta.summary : "none (no latent)"), "
            + "Adam \(configuration.learningRate), clip \(configuration.clipNorm), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, \(training.settings.precision.rawValue) GEMMs on \(GEMMBackend.summary)"
    }

    var closing: String {
        "done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and \(folder.url.lastPathComponent)/vocabulary.txt"
    }

    /// Metrics of a completed epoch, and the collapse warning when the validation KL stays low.
    mutating func close(epoch: Int, sums: RunningSums) throws {
        let validation = try writeEpochRecords(epoch: epoch, sums: sums, beta: beta)
        if let validation, model.isVariational {
            lowKLEpochs = validation.kl < configuration.collapseThreshold ? lowKLEpochs + 1 : 0
            if lowKLEpochs >= Self.collapseEpochs { warnOfCollapse(epochs: lowKLEpochs) }
        }
    }

    /// β at the current step: 1 for a language model, which has no KL term.
    var beta: Float { model.isVariational ? training.beta : 1 }

    /// The running figures per sentence, β and throughput for the progress bar.
    func status(_ sums: RunningSums) -> ProgressStatus {
        let figures = SentenceFigures(sums)
        return .init(examplesPerSecond: sums.examplesPerSecond,
                     text: "NLL \(String(format: "%.2f", figures.nll)) KL \(String(format: "%.2f", figures.kl)) "
                         + "β \(String(format: "%.3f", beta)) \(Int(figures.tokensPerSecond)) tok/s")
    }

    func warnOfCollapse(epochs: Int) {
        TrainingLog.write("warning: posterior collapse: the KL per validation sentence has stayed below "
            + "\(configuration.collapseThreshold) nats for \(epochs) epochs, so the decoder ignores z. "
            + "Flags that fight it: --keep-rate 0.5 (more word dropout), --free-bits 0.25, "
            + "--beta-schedule cyclical, a later --beta-steps, --latent-every-step.")
    }

    /// Appends the epoch's train and validation lines to metrics.jsonl and logs them.
    func writeEpochRecords(epoch: Int, sums: RunningSums, beta: Float) throws -> SentenceEvaluation? {
        let figures = SentenceFigures(sums)
        let common: [String: Any] = ["epoch": epoch, "beta": Double(beta), "step": training.optimizer.stepCount,
                                     "model": configuration.model.rawValue, "keep_rate": configuration.keepRate]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": figures.nll, "kl": figures.kl, "perplexity": figures.perplexity,
            "elbo": -figures.nll, "sentences": sums.examples, "tokens": figures.tokens,
            "tokens_per_second": figures.tokensPerSecond, "seconds": sums.seconds,
        ]) { $1 })
        var line = "epoch \(epoch): train NLL \(String(format: "%.2f", figures.nll)) KL \(String(format: "%.2f", figures.kl)) "
            + "PPL \(String(format: "%.1f", figures.perplexity)), \(Int(figures.tokensPerSecond)) tokens/s, \(String(format: "%.1f", sums.seconds)) s"
        guard !data.validation.isEmpty else {
            TrainingLog.write(line)
            return nil
        }
        var generator = RandomGenerator(seed: Self.evaluationSeed)
        let validation = model.evaluate(data.validation, using: &generator, across: DataParallelRun.group)
        try folder.appendMetrics(common.merging(Self.record(validation, split: "validation")) { $1 })
        line += " | validation \(Self.describe(validation)) | β \(String(format: "%.4f", beta))"
        TrainingLog.write(line)
        return validation
    }

    /// A metrics.jsonl record of an evaluation.
    static func record(_ evaluation: SentenceEvaluation, split: String) -> [String: Any] {
        ["split": split, "nll": evaluation.nll, "elbo": evaluation.elbo, "kl": evaluation.kl,
         "reconstruction": evaluation.reconstruction, "perplexity": evaluation.perplexity,
         "sentences": evaluation.sentences, "tokens": evaluation.tokens,
         "active_units": evaluation.activeUnits.map { $0.count as Any } ?? NSNull(),
         "mutual_information": evaluation.mutualInformation.map { $0 as Any } ?? NSNull(),
         "kl_per_dimension": evaluation.klPerDimension.map { $0 as Any } ?? NSNull()]
    }

    static func describe(_ evaluation: SentenceEvaluation) -> String {
        var text = "NLL \(String(format: "%.2f", evaluation.nll)) KL \(String(format: "%.2f", evaluation.kl)) PPL \(String(format: "%.1f", evaluation.perplexity))"
        if let units = evaluation.activeUnits { text += " AU \(units.count)" }
        if let information = evaluation.mutualInformation { text += " MI \(String(format: "%.2f", information))" }
        return text
    }
}

/// An epoch's training figures of a sentence model, per sentence and per token, as the
/// reference reports them.
struct SentenceFigures {
    /// Reconstruction + KL per sentence: the −ELBO the figures call NLL.
    let nll: Double
    let kl: Double
    /// Target tokens: words plus one <eos> per sentence.
    let tokens: Int
    /// exp(Σ (reconstruction + KL) / tokens).
    let perplexity: Double
    let tokensPerSecond: Double

    init(_ sums: RunningSums) {
        let total = (sums.terms["reconstruction"] ?? 0) + (sums.terms["kl"] ?? 0)
        let sentences = sums.examples
        nll = sentences == 0 ? 0 : total / Double(sentences)
        kl = sentences == 0 ? 0 : (sums.terms["kl"] ?? 0) / Double(sentences)
        tokens = sums.count("tokens")
        perplexity = tokens == 0 ? 0 : Foundation.exp(total / Double(tokens))
        tokensPerSecond = Double(tokens) / Swift.max(sums.seconds, 1e-9)
    }
}
