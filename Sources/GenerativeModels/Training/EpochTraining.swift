import Datasets
import Foundation
import NN
import TensorCore

/// The state of one training run of an image model and the loop that advances it, batch by batch.
///
/// Two random streams keep runs reproducible and resumable mid-epoch: the data stream of epoch e
/// (shuffling, dynamic binarization) is keyed by (seed, e), and the noise stream (the ε of the
/// reparameterization) runs on across epochs. Both states, the step and the position within the
/// epoch are saved in every checkpoint, so resuming replays exactly what an uninterrupted run does.
public class EpochTraining {
    public let settings: TrainingSettings
    public let model: any TrainableModel
    public let optimizer: any Optimizer
    public private(set) var noise: RandomGenerator
    /// The data stream's state within the current epoch.
    public private(set) var data: RandomGenerator
    /// Epochs completed.
    public private(set) var completedEpochs = 0
    /// Batches of the current epoch already trained on.
    public private(set) var batchesDone = 0
    /// Running sums over the current epoch: examples, reconstruction·n, KL·n, seconds trained.
    public private(set) var running = RunningSums()

    public struct RunningSums: Equatable, Sendable {
        public var examples = 0
        public var reconstruction: Double = 0
        public var kl: Double = 0
        public var seconds: Double = 0
    }

    public init(model: any TrainableModel, optimizer: any Optimizer, settings: TrainingSettings) {
        self.settings = settings
        self.model = model
        self.optimizer = optimizer
        noise = RandomGenerator(seed: settings.seed &+ 0x6E6F_6973_65)
        data = EpochTraining.dataStream(seed: settings.seed, epoch: 0)
    }

    /// The data stream of an epoch: a key of its own per (seed, epoch).
    static func dataStream(seed: UInt64, epoch: Int) -> RandomGenerator {
        RandomGenerator(seed: (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(epoch) &+ 0xDA7A))
    }

    /// The KL weight at the current step.
    public var beta: Float { settings.beta.value(atStep: optimizer.stepCount) }

    /// Trains on the rest of the current epoch, or until `shouldStop` returns true between batches.
    /// `progress` is called after each batch with (batches done, batches in the epoch).
    /// - Returns: true when the epoch was completed (its running sums are then final).
    public func trainEpoch(on images: ImageSet, shouldStop: () -> Bool = { false },
                           progress: (Int, Int) -> Void = { _, _ in }) -> Bool {
        let batchSize = settings.batchSize
        let batchCount = (images.count + batchSize - 1) / batchSize
        // The permutation is the first draw of the epoch's data stream, so it can be recomputed on resume.
        var permutationStream = EpochTraining.dataStream(seed: settings.seed, epoch: completedEpochs)
        let order = permutationStream.permutation(images.count)
        if batchesDone == 0 { data = permutationStream }
        while batchesDone < batchCount {
            if shouldStop() { return false }
            let start = Date()
            let indices = order[(batchesDone * batchSize)..<Swift.min((batchesDone + 1) * batchSize, images.count)]
            let batch = settings.pixels.trainingBatch(images, indices: indices, using: &data)
            let loss = model.trainingLoss(batch, labels: indices.map { images.labels[$0] }, samples: settings.samples,
                                          beta: beta, using: &noise)
            let (reconstruction, kl) = (loss.reconstruction.scalar, loss.kl.scalar)
            optimizer.step(loss.total.backward())
            running.examples += indices.count
            running.reconstruction += Double(reconstruction) * Double(indices.count)
            running.kl += Double(kl) * Double(indices.count)
            running.seconds += Date().timeIntervalSince(start)
            batchesDone += 1
            progress(batchesDone, batchCount)
        }
        return true
    }

    /// Closes a completed epoch: returns its running sums and starts the next epoch's.
    public func finishEpoch() -> RunningSums {
        let sums = running
        completedEpochs += 1
        batchesDone = 0
        running = RunningSums()
        data = EpochTraining.dataStream(seed: settings.seed, epoch: completedEpochs)
        return sums
    }

    // MARK: Checkpoints

    /// Writes weights, optimizer state, random streams and loop position to `url` atomically.
    public func saveCheckpoint(to url: URL) throws {
        let metadata: [String: String] = [
            "model": settings.modelName,
            "completed_epochs": String(completedEpochs), "batches_done": String(batchesDone),
            "running_examples": String(running.examples),
            "running_reconstruction": CheckpointMetadata.exact(running.reconstruction),
            "running_kl": CheckpointMetadata.exact(running.kl), "running_seconds": String(running.seconds),
        ].merging(CheckpointMetadata.entries(of: noise, named: "noise")) { $1 }
         .merging(CheckpointMetadata.entries(of: data, named: "data")) { $1 }
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
        data = try metadata.generator(named: "data")
        running = RunningSums(examples: try integer("running_examples"),
                              reconstruction: try metadata.exactDouble("running_reconstruction"),
                              kl: try metadata.exactDouble("running_kl"),
                              seconds: Double(metadata.values["running_seconds"] ?? "") ?? 0)
    }
}

/// What the batch loop needs of a run's configuration.
public struct TrainingSettings: Sendable {
    /// The model family, recorded in checkpoints.
    public var modelName: String
    public var pixels: PixelHandling
    public var batchSize: Int
    public var seed: UInt64
    /// L, the samples of z per example, for models with a latent variable.
    public var samples = 1
    public var beta: BetaSchedule = .constant(1)

    public init(modelName: String, pixels: PixelHandling, batchSize: Int, seed: UInt64, samples: Int = 1,
                beta: BetaSchedule = .constant(1)) {
        self.modelName = modelName
        self.pixels = pixels
        self.batchSize = batchSize
        self.seed = seed
        self.samples = samples
        self.beta = beta
    }
}

/// A model the batch loop can train: the loss of a batch of image rows [N, D] with their labels.
public protocol TrainableModel: Module {
    /// The objective to minimize (`total`) and its reported terms, each in nats per example.
    func trainingLoss(_ batch: Tensor, labels: [Int], samples: Int, beta: Float, using noise: inout RandomGenerator) -> VAELoss
}

/// The training run of a VAE, conditional VAE or autoencoder, built from its configuration.
public final class VAETraining: EpochTraining {
    public let configuration: VAEConfiguration
    /// The model, as the image model it is.
    public let imageModel: any LatentImageModel

    /// - Throws: what `VAEConfiguration.makeModel()` throws.
    public init(configuration: VAEConfiguration) throws {
        self.configuration = configuration
        imageModel = try configuration.makeModel()
        let model: any TrainableModel = imageModel
        super.init(model: model, optimizer: configuration.makeOptimizer(for: imageModel),
                   settings: TrainingSettings(modelName: configuration.model, pixels: configuration.pixels,
                                              batchSize: configuration.batchSize, seed: configuration.seed,
                                              samples: configuration.samples, beta: configuration.beta))
    }
}

extension LatentImageModel {
    /// The objective with one-hot labels for a conditional model (labels are ignored otherwise).
    public func trainingLoss(_ batch: Tensor, labels: [Int], samples: Int, beta: Float, using noise: inout RandomGenerator) -> VAELoss {
        loss(batch, labels: oneHotLabels(labels, rows: 0..<labels.count), samples: samples, beta: beta, using: &noise)
    }
}
