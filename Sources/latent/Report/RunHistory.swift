import Foundation

/// What a run's metrics.jsonl says, read for a report: one record per epoch and split. A line that
/// is not a JSON object (torn by a crash or a full disk) is skipped, and where a resumed run wrote
/// an epoch twice the later line wins. Keys added by later versions, such as
/// `kl_per_dimension`, are optional: older run folders simply lack them.
struct RunHistory {
    /// Records by split ("train", "validation", "test"), each in epoch order.
    let records: [String: [Int: [String: Any]]]

    /// Reads `url`; a missing file gives an empty history (a run before its first epoch ends).
    init(metricsAt url: URL) {
        var records: [String: [Int: [String: Any]]] = [:]
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            for line in text.split(separator: "\n") {
                guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let epoch = record["epoch"] as? Int, let split = record["split"] as? String else { continue }
                records[split, default: [:]][epoch] = record
            }
        }
        self.records = records
    }

    var isEmpty: Bool { records.isEmpty }

    /// The highest epoch any line describes, 0 for none.
    var lastEpoch: Int { records.values.flatMap(\.keys).max() ?? 0 }

    /// The splits present, in the order a reader expects them.
    var splits: [String] {
        let known = ["train", "validation", "test"]
        return known.filter { records[$0] != nil } + records.keys.filter { !known.contains($0) }.sorted()
    }

    /// (epoch, value) of `key` on `split`, in epoch order, for the epochs whose line holds a number there.
    func values(_ key: String, split: String) -> [(epoch: Int, value: Double)] {
        (records[split] ?? [:]).sorted { $0.key < $1.key }.compactMap { epoch, record in
            guard let value = Self.number(record[key]) else { return nil }
            return (epoch, value)
        }
    }

    /// The latest record that holds `key` on an evaluation split: test, else validation.
    func latestEvaluation(holding key: String) -> (split: String, epoch: Int, record: [String: Any])? {
        for split in ["test", "validation"] {
            if let (epoch, record) = (records[split] ?? [:]).filter({ $0.value[key] != nil && !($0.value[key] is NSNull) })
                .max(by: { $0.key < $1.key }) {
                return (split, epoch, record)
            }
        }
        return nil
    }

    /// A JSON number as a Double; nil for null, strings and missing keys. (The keys read as
    /// figures never hold booleans.)
    static func number(_ value: Any?) -> Double? {
        (value as? NSNumber)?.doubleValue
    }
}
