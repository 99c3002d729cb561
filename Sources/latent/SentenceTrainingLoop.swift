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
        log("training \(configuration.summary) (\(training.model.parameterCount) parameters) on \(configuration.data): "
            + "\(data.training.count) training, \(data.validation.count) validation, \(data.test.count) test sentences, "
            + "vocabulary \(data.vocabulary.count); β \(training.model.isVariational ? configuration.beta.summary : "none (no latent)"), "
            + "Adam \(configuration.learningRate), clip \(configuration.clipNorm), batch \(configuration.batchSize), "
            + "\(ComputeThreads.count) threads, OpenBLAS \(BLASRuntime.coreName)")
        Interruption.install()
        var lowKLEpochs = 0
        while training.completedEpochs < configuration.epochs {
            let epoch = training.completedEpochs + 1
            let progress = Progress(title: "epoch \(epoch)/\(configuration.epochs)", total: batchCount)
            let finished = training.trainEpoch(on: data.training, shouldStop: { Interruption.isRequested }) { done, _ in
                let sums = training.running
                progress.update(done: done, examplesPerSecond: Double(sums.sentences) / max(sums.seconds, 1e-9),
                                status: "NLL \(String(format: "%.2f", sums.nllPerSentence)) KL \(String(format: "%.2f", sums.klPerSentence)) "
                                    + "β \(String(format: "%.3f", training.beta)) \(Int(sums.tokensPerSecond)) tok/s")
            }
            guard finished else {
                try saveCheckpoint()
                throw Interruption.stoppedError(epoch: epoch, batch: training.batchesDone, trainCommand: configuration.trainCommand, folder: folder.url)
            }
            let beta = training.beta
            let sums = training.finishEpoch()
            let validation = try writeEpochRecords(epoch: epoch, sums: sums, beta: beta)
            try saveCheckpoint()
            if let validation, training.model.isVariational {
                lowKLEpochs = validation.kl < configuration.collapseThreshold ? lowKLEpochs + 1 : 0
                if lowKLEpochs >= Self.collapseEpochs {
                    log("warning: posterior collapse: the KL per validation sentence has stayed below "
                        + "\(configuration.collapseThreshold) nats for \(lowKLEpochs) epochs, so the decoder ignores z. "
                        + "Flags that fight it: --keep-rate 0.5 (more word dropout), --free-bits 0.25, "
                        + "--beta-schedule cyclical, a later --beta-steps, --latent-every-step.")
                }
            }
        }
        log("done: \(folder.url.path)/metrics.jsonl, checkpoint.safetensors and \(folder.url.lastPathComponent)/vocabulary.txt")
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
            log(line)
            return nil
        }
        var generator = RandomGenerator(seed: Self.evaluationSeed)
        let validation = training.model.evaluate(data.validation, using: &generator)
        try folder.appendMetrics(common.merging(Self.record(validation, split: "validation")) { $1 })
        line += " | validation \(Self.describe(validation)) | β \(String(format: "%.4f", beta))"
        log(line)
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

    func saveCheckpoint() throws {
        do { try training.saveCheckpoint(to: folder.checkpoint) } catch {
            throw CommandError("Cannot write the checkpoint \(folder.checkpoint.path): \(error)")
        }
    }

    func log(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
