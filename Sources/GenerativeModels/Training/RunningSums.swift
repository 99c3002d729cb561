import Foundation
import NN

/// Sums over the updates of an epoch so far, as trained: examples, seconds, each reported term
/// times the examples of its batch, and what the data count besides (target tokens).
public struct RunningSums: Equatable, Sendable {
    public var examples = 0
    public var seconds: Double = 0
    /// Σ term·examples over the batches, by term name.
    public var terms: [String: Double] = [:]
    /// Σ count over the batches, by name (e.g. "tokens").
    public var counts: [String: Int] = [:]

    public init() {}

    /// The mean of a term per example so far; 0 for a term the model does not report.
    public func mean(_ term: String) -> Double { (terms[term] ?? 0) / Double(Swift.max(examples, 1)) }

    /// A count so far; 0 for one the data do not count.
    public func count(_ name: String) -> Int { counts[name] ?? 0 }

    /// Examples per second so far.
    public var examplesPerSecond: Double { Double(examples) / Swift.max(seconds, 1e-9) }

    mutating func add(_ breakdown: LossBreakdown, examples batchExamples: Int, counts batchCounts: [String: Int], seconds batchSeconds: Double) {
        examples += batchExamples
        for (name, value) in breakdown.terms { terms[name, default: 0] += Double(value.scalar) * Double(batchExamples) }
        for (name, value) in batchCounts { counts[name, default: 0] += value }
        seconds += batchSeconds
    }

    /// Adds a batch whose terms are already sums over its examples (the sums of all processes of
    /// a data parallel step).
    mutating func add(termSums: [String: Double], examples batchExamples: Int, counts batchCounts: [String: Int], seconds batchSeconds: Double) {
        examples += batchExamples
        for (name, value) in termSums { terms[name, default: 0] += value }
        for (name, value) in batchCounts { counts[name, default: 0] += value }
        seconds += batchSeconds
    }

    // MARK: Checkpoint metadata

    /// The sums as checkpoint metadata: exact bit patterns, so a resumed epoch ends with the same figures.
    var metadata: [String: String] {
        var entries = ["running_examples": String(examples), "running_seconds": String(seconds)]
        for (name, value) in terms { entries["running_" + name] = CheckpointMetadata.exact(value) }
        for (name, value) in counts { entries["running_count_" + name] = String(value) }
        return entries
    }

    /// The sums a checkpoint recorded.
    ///
    /// Checkpoints written before the one trainer name the sentence models' examples
    /// "running_sentences" and their target tokens "running_tokens", and a PixelCNN's −log p(x)
    /// "running_reconstruction"; those are read as they were meant.
    init(_ metadata: CheckpointMetadata) throws {
        let legacyPixelCNN = metadata.values["model"] == ModelFamily.pixelCNN.rawValue && metadata.values["running_nll"] == nil
        for key in metadata.values.keys where key.hasPrefix("running_") {
            let name = String(key.dropFirst("running_".count))
            switch name {
            case "examples", "sentences": examples = try metadata.integer(key)
            case "seconds": seconds = Double(metadata.values[key] ?? "") ?? 0
            case "tokens": counts["tokens"] = try metadata.integer(key)
            case _ where name.hasPrefix("count_"): counts[String(name.dropFirst("count_".count))] = try metadata.integer(key)
            case "reconstruction" where legacyPixelCNN: terms["nll"] = try metadata.exactDouble(key)
            case "kl" where legacyPixelCNN: break
            default: terms[name] = try metadata.exactDouble(key)
            }
        }
    }
}
