import Datasets
import Foundation
import NN
import TensorCore

/// The state of one sentence-model training run and the loop that advances it, batch by batch.
///
/// As in `VAETraining`, two random streams make runs reproducible and resumable mid-epoch: the
/// data stream of epoch e (the bucketed batch order) is keyed by (seed, e) and recomputed on
/// resume, and the noise stream (word dropout, then ε) runs on across epochs. The noise state, the
/// step, the position within the epoch and the running sums are saved in every checkpoint, so a
/// resumed run ends with the same bits as an uninterrupted one.
public final class SentenceTraining {
    public let configuration: SentenceVAEConfiguration
    public let model: SentenceVAE
    public let optimizer: Adam
    public private(set) var noise: RandomGenerator
    /// Epochs completed.
    public private(set) var completedEpochs = 0
    /// Batches of the current epoch already trained on.
    public private(set) var batchesDone = 0
    /// Running sums over the current epoch.
    public private(set) var running = RunningSums()

    /// Sums over an epoch's updates (after word dropout, with the sampled z, as trained).
    public struct RunningSums: Equatable, Sendable {
        public var sentences = 0
        /// Target tokens: words plus one <eos> per sentence.
        public var tokens = 0
        /// Σ −log p(x|z) over sentences.
        public var reconstruction: Double = 0
        /// Σ KL over sentences.
        public var kl: Double = 0
        public var seconds: Double = 0

        /// Reconstruction + KL per sentence: the −ELBO the figures call NLL.
        public var nllPerSentence: Double { sentences == 0 ? 0 : (reconstruction + kl) / Double(sentences) }
        public var klPerSentence: Double { sentences == 0 ? 0 : kl / Double(sentences) }
        public var perplexity: Double { tokens == 0 ? 0 : Foundation.exp((reconstruction + kl) / Double(tokens)) }
        public var tokensPerSecond: Double { Double(tokens) / Swift.max(seconds, 1e-9) }
    }

    /// - Throws: what `SentenceVAEConfiguration.makeModel` throws.
    public init(configuration: SentenceVAEConfiguration, vocabularySize: Int) throws {
        self.configuration = configuration
        model = try configuration.makeModel(vocabularySize: vocabularySize)
        optimizer = configuration.makeOptimizer(for: model)
        noise = RandomGenerator(seed: configuration.seed &+ 0x6E6F_6973_65)
    }

    /// The data stream of an epoch: a key of its own per (seed, epoch).
    static func dataStream(seed: UInt64, epoch: Int) -> RandomGenerator {
        RandomGenerator(seed: (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(epoch) &+ 0x7E47))
    }

    /// The KL weight at the current step (1 for a language model, which has no KL).
    public var beta: Float { model.isVariational ? configuration.beta.value(atStep: optimizer.stepCount) : 1 }

    /// The batches of the current epoch, in training order: length-bucketed as in the reference.
    public func epochBatches(_ batcher: SentenceBatcher) -> [[Int]] {
        var stream = Self.dataStream(seed: configuration.seed, epoch: completedEpochs)
        return batcher.trainingEpoch(using: &stream)
    }

    /// Trains on the rest of the current epoch, or until `shouldStop` returns true between batches.
    /// `progress` is called after each batch with (batches done, batches in the epoch).
    /// - Returns: true when the epoch was completed (its running sums are then final).
    public func trainEpoch(on sentences: [[Int]], shouldStop: () -> Bool = { false },
                           progress: (Int, Int) -> Void = { _, _ in }) -> Bool {
        let batcher = SentenceBatcher(sentences: sentences, batchSize: configuration.batchSize)
        let batches = epochBatches(batcher)
        while batchesDone < batches.count {
            if shouldStop() { return false }
            let start = Date()
            let batch = batcher.batch(batches[batchesDone])
            let loss = model.trainingLoss(batch, beta: beta, freeBits: configuration.freeBits, using: &noise)
            let gradients = loss.total.backward()
            optimizer.step(gradients, scale: configuration.clipNorm > 0 ? gradients.clippingScale(maxNorm: configuration.clipNorm) : 1)
            let count = Double(batch.count)
            running.sentences += batch.count
            running.tokens += batch.targetTokenCount
            running.reconstruction += Double(loss.reconstruction.scalar) * count
            running.kl += Double(loss.kl.scalar) * count
            running.seconds += Date().timeIntervalSince(start)
            batchesDone += 1
            progress(batchesDone, batches.count)
        }
        return true
    }

    /// Closes a completed epoch: returns its running sums and starts the next epoch's.
    public func finishEpoch() -> RunningSums {
        let sums = running
        completedEpochs += 1
        batchesDone = 0
        running = RunningSums()
        return sums
    }

    // MARK: Checkpoints

    /// Writes weights, optimizer state, the noise stream and the loop position to `url` atomically.
    public func saveCheckpoint(to url: URL) throws {
        let metadata: [String: String] = [
            "model": configuration.model,
            "completed_epochs": String(completedEpochs), "batches_done": String(batchesDone),
            "running_sentences": String(running.sentences), "running_tokens": String(running.tokens),
            "running_reconstruction": CheckpointMetadata.exact(running.reconstruction),
            "running_kl": CheckpointMetadata.exact(running.kl), "running_seconds": String(running.seconds),
        ].merging(CheckpointMetadata.entries(of: noise, named: "noise")) { $1 }
        try Checkpoint.save(model: model, optimizer: optimizer, metadata: metadata, to: url)
    }

    /// Restores everything `saveCheckpoint` wrote. A mismatched checkpoint throws before any weight
    /// changes; after any other error the run must not continue.
    public func loadCheckpoint(from url: URL) throws {
        let metadata = CheckpointMetadata(try Checkpoint.load(from: url, into: model, optimizer: optimizer), path: url.path)
        func integer<T: FixedWidthInteger>(_ key: String) throws -> T { try metadata.integer(key) }
        completedEpochs = try integer("completed_epochs")
        batchesDone = try integer("batches_done")
        noise = try metadata.generator(named: "noise")
        running = RunningSums(sentences: try integer("running_sentences"), tokens: try integer("running_tokens"),
                              reconstruction: try metadata.exactDouble("running_reconstruction"),
                              kl: try metadata.exactDouble("running_kl"),
                              seconds: Double(metadata.values["running_seconds"] ?? "") ?? 0)
    }
}
