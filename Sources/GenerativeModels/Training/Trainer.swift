import Foundation
import NN
import TensorCore

/// The one training loop of every model: batches, the optimizer step, running sums, and
/// checkpoints that resume bit for bit, even mid-epoch.
///
/// Two random streams keep runs reproducible: the data stream of epoch e (the batch order,
/// dynamic binarization) is keyed by (seed, e), and the noise stream (ε, word dropout) runs on
/// across epochs. Both states, the step, the position within the epoch and the running sums are
/// saved in every checkpoint, so resuming replays exactly what an uninterrupted run does.
public final class Trainer<Batch> {
    public let model: any GenerativeModel<Batch>
    public let optimizer: any Optimizer
    public let settings: TrainerSettings
    public internal(set) var noise: RandomGenerator
    /// The data stream's state within the current epoch.
    public internal(set) var data: RandomGenerator
    /// Epochs completed.
    public private(set) var completedEpochs = 0
    /// Batches of the current epoch already trained on.
    public private(set) var batchesDone = 0
    /// Running sums over the current epoch (over every process's examples, when data parallel).
    public internal(set) var running = RunningSums()
    /// The processes that share each batch, and how their gradients are summed; nil when this
    /// process trains alone. See ``trainDataParallel(with:)``.
    var dataParallel: (group: any ProcessGroup, summation: GradientSummation)?
    /// When data parallel, whether the gradients' sums start during backward (see
    /// ``trainDataParallel(with:bucketBytes:overlapping:)``).
    var overlapsGradientSums = true
    /// When data parallel, whether every process compares its weights with rank 0's after every
    /// step (a check for tests; it costs a pass over the weights and three small collectives).
    public var comparesReplicasEveryStep = false
    /// Set when the processes' replicas were found to differ; the epoch then stops.
    public internal(set) var replicaDivergence: String?

    public init(model: any GenerativeModel<Batch>, optimizer: any Optimizer, settings: TrainerSettings) {
        self.model = model
        self.optimizer = optimizer
        self.settings = settings
        noise = RandomGenerator(seed: settings.seed &+ 0x6E6F_6973_65)
        data = RandomGenerator(seed: settings.seed)
    }

    /// The data stream of an epoch: a key of its own per (seed, epoch, kind of data).
    static func dataStream(seed: UInt64, epoch: Int, salt: UInt64) -> RandomGenerator {
        RandomGenerator(seed: (seed &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(epoch) &+ salt))
    }

    /// β at the current step.
    public var beta: Float { settings.objective.kl.beta(atStep: optimizer.stepCount) }

    /// The batches of the current epoch, and the data stream as it stands after drawing them.
    func epochPlan(_ trainingData: any TrainingData<Batch>) -> (batches: [[Int]], stream: RandomGenerator) {
        var stream = Self.dataStream(seed: settings.seed, epoch: completedEpochs, salt: trainingData.streamSalt)
        return (trainingData.epochBatches(using: &stream), stream)
    }

    /// How many batches an epoch of `trainingData` has.
    public func batchCount(_ trainingData: any TrainingData<Batch>) -> Int { epochPlan(trainingData).batches.count }

    /// Trains on the rest of the current epoch, or until `shouldStop` returns true between batches.
    /// `progress` is called after each batch with (batches done, batches in the epoch).
    /// - Returns: true when the epoch was completed (its running sums are then final).
    public func trainEpoch(on trainingData: any TrainingData<Batch>, shouldStop: () -> Bool = { false },
                           progress: (Int, Int) -> Void = { _, _ in }) -> Bool {
        let (batches, stream) = epochPlan(trainingData)
        // The plan is the first draw of the epoch's stream; on resume mid-epoch the saved stream goes on.
        if batchesDone == 0 || !dataStreamSaved { data = stream }
        dataStreamSaved = true
        while batchesDone < batches.count {
            if let (group, _) = dataParallel {
                // Every process stops at the same batch, or the others would wait in a collective.
                var stop: [UInt64] = [shouldStop() ? 1 : 0]
                group.maximumInPlace(&stop)
                if stop[0] != 0 { return false }
            } else if shouldStop() {
                return false
            }
            let start = Date()
            // Only the step runs in the run's precision: `progress` and the caller's evaluations
            // between epochs keep FP32.
            GEMMPrecision.with(settings.precision) {
                if dataParallel != nil {
                    stepDataParallel(on: batches[batchesDone], of: trainingData, started: start)
                } else {
                    let batch = trainingData.batch(batches[batchesDone], using: &data)
                    let loss = model.trainingLoss(on: batch, objective: settings.objective, step: optimizer.stepCount, using: &noise)
                    let gradients = loss.total.backward()
                    optimizer.step(gradients, scale: clippingScale(gradients))
                    running.add(loss, examples: batches[batchesDone].count, counts: trainingData.counts(of: batch),
                                seconds: Date().timeIntervalSince(start))
                }
            }
            batchesDone += 1
            if comparesReplicasEveryStep && dataParallel != nil && !replicasAgree() {
                replicaDivergence = "after step \(optimizer.stepCount) the processes' weights differ from rank 0's"
                return false
            }
            progress(batchesDone, batches.count)
        }
        return true
    }

    /// The factor the optimizer applies to the gradients: the clipping of their global norm, if any.
    func clippingScale(_ gradients: Gradients) -> Float {
        settings.clipNorm > 0 ? gradients.clippingScale(maxNorm: settings.clipNorm) : 1
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

    /// Writes weights, optimizer state, random streams and loop position to `url` atomically.
    public func saveCheckpoint(to url: URL) throws {
        let metadata: [String: String] = [
            "model": settings.modelName,
            "completed_epochs": String(completedEpochs), "batches_done": String(batchesDone),
        ].merging(running.metadata) { $1 }
         .merging(CheckpointMetadata.entries(of: noise, named: "noise")) { $1 }
         .merging(CheckpointMetadata.entries(of: data, named: "data")) { $1 }
        try Checkpoint.save(model: model, optimizer: optimizer, metadata: metadata, to: url)
    }

    /// Restores everything `saveCheckpoint` wrote. A mismatched checkpoint throws before any weight
    /// changes; after any other error the run must not continue.
    public func loadCheckpoint(from url: URL) throws {
        let metadata = CheckpointMetadata(try Checkpoint.load(from: url, into: model, optimizer: optimizer), path: url.path)
        completedEpochs = try metadata.integer("completed_epochs")
        batchesDone = try metadata.integer("batches_done")
        noise = try metadata.generator(named: "noise")
        // The sentence models' checkpoints before the one trainer did not save the data stream;
        // their batches draw nothing from it, so the epoch's plan restores it exactly.
        dataStreamSaved = metadata.values["data_seed"] != nil
        if dataStreamSaved { data = try metadata.generator(named: "data") }
        running = try RunningSums(metadata)
    }

    /// False after loading a checkpoint that did not save the data stream.
    private var dataStreamSaved = true
}

/// What the training loop needs of a run's configuration.
public struct TrainerSettings: Sendable {
    /// The model family, recorded in checkpoints.
    public var modelName: String
    public var seed: UInt64
    public var objective: TrainingObjective
    /// The bound on the gradients' global norm; 0 for none.
    public var clipNorm: Float
    /// The number format of the GEMMs of every training step (loss, backward, optimizer step).
    /// Whatever runs between steps, such as evaluation, keeps the process's precision: FP32.
    public var precision: GEMMPrecision

    public init(modelName: String, seed: UInt64, precision: GEMMPrecision = .float32, objective: TrainingObjective = TrainingObjective(),
                clipNorm: Float = 0) {
        self.modelName = modelName
        self.seed = seed
        self.precision = precision
        self.objective = objective
        self.clipNorm = clipNorm
    }
}
