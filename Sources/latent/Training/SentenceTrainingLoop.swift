import Foundation
import GenerativeModels
import TensorCore

/// Runs the epochs of a sentence model's training: progress, per-epoch validation figures,
/// metrics, a posterior-collapse warning, and an atomic checkpoint after every epoch (and on Ctrl-C).
struct SentenceTrainingLoop {
    let training: SentenceTraining
    let data: EncodedSentences
    let folder: RunFolder

    /// Seed of the evaluation noise: every epoch's validation figures use the same ε stream.
    static let evaluationSeed: UInt64 = 0xE7A1
    /// Consecutive epochs of KL below the threshold before the collapse warning.
    static let collapseEpochs = 2

    func run() throws {
        let configuration = training.configuration
        let batchCount = (data.training.count + configuration.batchSize - 1) / configuration.batchSize
        EpochRunner.log("training \(configuration.summary) (\(training.model.parameterCount) parameters) on \(configuration.data): "
            + "\(data.training.count) training, \(data.validation.count) validation, \(data.test.count) test sentences, "
            + "vocabulary \(data.vocabulary.count); β \(training.model.isVariational ? configuration.beta.summary : "none (no latent)"), "
            + "Adam \(configuration.learningRate), clip \(configuration.clipNorm), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, OpenBLAS \(BLASRuntime.coreName)")
        var lowKLEpochs = 0
        let runner = EpochRunner(training: training, folder: folder, epochs: configuration.epochs, trainCommand: configuration.trainCommand)
        try runner.run(batchesPerEpoch: batchCount,
                       trainEpoch: { shouldStop, afterBatch in
                           training.trainEpoch(on: data.training, shouldStop: shouldStop) { done, _ in afterBatch(done) }
                       },
                       status: progressStatus,
                       closeEpoch: { epoch in
                           let beta = training.beta
                           let validation = try writeEpochRecords(epoch: epoch, sums: training.finishEpoch(), beta: beta)
                           if let validation, training.model.isVariational {
                               lowKLEpochs = validation.kl < configuration.collapseThreshold ? lowKLEpochs + 1 : 0
                               if lowKLEpochs >= Self.collapseEpochs { warnOfCollapse(epochs: lowKLEpochs) }
                           }
                       })
        EpochRunner.log("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and \(folder.url.lastPathComponent)/vocabulary.txt")
    }

    /// The running figures per sentence, β and throughput for the progress bar.
    func progressStatus() -> EpochRunner.Status {
        let sums = training.running
        return .init(examplesPerSecond: EpochRunner.rate(sums.sentences, seconds: sums.seconds),
                     text: "NLL \(String(format: "%.2f", sums.nllPerSentence)) KL \(String(format: "%.2f", sums.klPerSentence)) "
                         + "β \(String(format: "%.3f", training.beta)) \(Int(sums.tokensPerSecond)) tok/s")
    }

    func warnOfCollapse(epochs: Int) {
        EpochRunner.log("warning: posterior collapse: the KL per validation sentence has stayed below "
            + "\(training.configuration.collapseThreshold) nats for \(epochs) epochs, so the decoder ignores z. "
            + "Flags that fight it: --keep-rate 0.5 (more word dropout), --free-bits 0.25, "
            + "--beta-schedule cyclical, a later --beta-steps, --latent-every-step.")
    }

    /// Appends the epoch's train and validation lines to metrics.jsonl and logs them.
    func writeEpochRecords(epoch: Int, sums: SentenceTraining.RunningSums, beta: Float) throws -> SentenceEvaluation? {
        let common: [String: Any] = ["epoch": epoch, "beta": Double(beta), "step": training.optimizer.stepCount,
                                     "model": training.configuration.model, "keep_rate": training.configuration.keepRate]
        try folder.appendMetrics(common.merging([
            "split": "train", "nll": sums.nllPerSentence, "kl": sums.klPerSentence, "perplexity": sums.perplexity,
            "elbo": -sums.nllPerSentence, "sentences": sums.sentences, "tokens": sums.tokens,
            "tokens_per_second": sums.tokensPerSecond, "seconds": sums.seconds,
        ]) { $1 })
        var line = "epoch \(epoch): train NLL \(String(format: "%.2f", sums.nllPerSentence)) KL \(String(format: "%.2f", sums.klPerSentence)) "
            + "PPL \(String(format: "%.1f", sums.perplexity)), \(Int(sums.tokensPerSecond)) tokens/s, \(String(format: "%.1f", sums.seconds)) s"
        guard !data.validation.isEmpty else {
            EpochRunner.log(line)
            return nil
        }
        var generator = RandomGenerator(seed: Self.evaluationSeed)
        let validation = training.model.evaluate(data.validation, using: &generator)
        try folder.appendMetrics(common.merging(Self.record(validation, split: "validation")) { $1 })
        line += " | validation \(Self.describe(validation)) | β \(String(format: "%.4f", beta))"
        EpochRunner.log(line)
        return validation
    }

    /// A metrics.jsonl record of an evaluation.
    static func record(_ evaluation: SentenceEvaluation, split: String) -> [String: Any] {
        ["split": split, "nll": evaluation.nll, "elbo": evaluation.elbo, "kl": evaluation.kl,
         "reconstruction": evaluation.reconstruction, "perplexity": evaluation.perplexity,
         "sentences": evaluation.sentences, "tokens": evaluation.tokens,
         "active_units": evaluation.activeUnits.map { $0.count as Any } ?? NSNull(),
         "mutual_information": evaluation.mutualInformation.map { $0 as Any } ?? NSNull()]
    }

    static func describe(_ evaluation: SentenceEvaluation) -> String {
        var text = "NLL \(String(format: "%.2f", evaluation.nll)) KL \(String(format: "%.2f", evaluation.kl)) PPL \(String(format: "%.1f", evaluation.perplexity))"
        if let units = evaluation.activeUnits { text += " AU \(units.count)" }
        if let information = evaluation.mutualInformation { text += " MI \(String(format: "%.2f", information))" }
        return text
    }
}
