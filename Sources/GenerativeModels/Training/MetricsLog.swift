import Foundation

/// A run's metrics.jsonl: one JSON object per line, with the epoch it describes.
public enum MetricsLog {
    /// The lines to keep when a run resumes after epoch `epoch`: objects of that epoch or earlier,
    /// and objects without an epoch. The lines of later epochs are trained again, and would
    /// otherwise appear twice; a line that is not a JSON object, such as one torn by a crash or a
    /// full disk, is dropped.
    public static func lines(of text: String, throughEpoch epoch: Int) -> [Substring] {
        text.split(separator: "\n").filter { line in
            guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
            guard let lineEpoch = record["epoch"] as? Int else { return true }
            return lineEpoch <= epoch
        }
    }
}
