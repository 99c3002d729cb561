import Foundation
import GenerativeModels

/// A trained run opened from its folder (``ModelRegistry/open(_:threads:)``). The commands ask a
/// run for the capability they need, such as ``SamplingRun``, rather than for its family.
protocol TrainedRun {
    var folder: RunFolder { get }
    var family: ModelFamily { get }
    /// A short description for messages: "VAE mlp 400→20", "PixelCNN".
    var summary: String { get }
}

extension TrainedRun {
    /// An error for a command that needs a capability this run's model lacks.
    func lacks(_ what: String, command: String) -> CommandError {
        CommandError("latent \(command) needs a model that \(what), but \(folder.url.path) holds a \(summary).")
    }
}

/// What `latent eval` asks of a run.
struct EvaluationRequest {
    /// K of the importance-weighted estimate; nil for the family's default.
    let importanceSamples: Int?
    /// Only the first N test examples.
    let limit: Int?
    /// Sentence runs: the importance-weighted estimate uses the first N test sentences; 0 for all.
    let importanceLimit: Int
    let json: Bool
    let seed: UInt64
}

/// A run that evaluates itself on its test split and writes eval.json: every run.
protocol EvaluableRun: TrainedRun {
    func evaluate(_ request: EvaluationRequest) throws
}

/// A run whose model draws images.
protocol SamplingRun: TrainedRun {
    /// Draws `count` images into a grid of `columns` and returns where it was written.
    func sample(count: Int, columns: Int, label: Int?, seed: UInt64, out: String?) throws -> URL
}

/// A run whose model reconstructs its inputs: test images, or sentences given as text.
protocol ReconstructingRun: TrainedRun {
    func reconstruct(count: Int, columns: Int, sentences: [String], seed: UInt64, out: String?) throws
}

/// A run whose model completes partly given test images.
protocol CompletingRun: TrainedRun {
    /// The top `rows` image rows given (nil: half), `samples` completions of each of `count` test images.
    func complete(count: Int, samples: Int, rows: Int?, seed: UInt64, out: String?) throws -> URL
}
