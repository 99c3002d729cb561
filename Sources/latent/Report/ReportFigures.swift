import Foundation
import Rendering

/// The final figures of runs as one table: a column per run, a row per figure, from eval.json
/// when `latent eval` has written it and from the latest evaluation line of metrics.jsonl
/// otherwise. Which rows a run fills follows from the keys it records, so runs of different
/// families sit side by side, with a sentence for each figure that does not apply to one.
struct ReportFigures {
    /// One row: its label and how it reads a run's record (nil when the figure does not apply).
    struct Row: Sendable {
        let label: String
        let value: @Sendable ([String: Any], RunMaterial) -> String?
    }

    static func format(_ value: Double?, _ digits: Int = 3) -> String? {
        value.map { String(format: "%.\(digits)f", $0) }
    }

    static let rows: [Row] = [
        Row(label: "−ELBO") { record, run in format(RunHistory.number(record["elbo"]).map { -$0 }).map { "\($0) nats per \(run.exampleNoun)" } },
        Row(label: "−log p(x), importance-weighted") { record, run in
            guard let value = RunHistory.number(record["log_likelihood"]), let k = record["importance_samples"] as? Int else { return nil }
            return "\(format(-value)!) nats per \(run.exampleNoun) (K = \(k))"
        },
        // An exact likelihood model records nll without an ELBO; a sentence model's nll is its −ELBO.
        Row(label: "−log p(x), exact") { record, run in
            guard record["elbo"] == nil, let value = RunHistory.number(record["nll"]) else { return nil }
            return "\(format(value)!) nats per \(run.exampleNoun)"
        },
        Row(label: "bits/dim") { record, _ in format(RunHistory.number(record["bits_per_dim"]), 4) },
        Row(label: "reconstruction") { record, run in format(RunHistory.number(record["reconstruction"])).map { "\($0) nats per \(run.exampleNoun)" } },
        Row(label: "KL") { record, run in format(RunHistory.number(record["kl"])).map { "\($0) nats per \(run.exampleNoun)" } },
        Row(label: "perplexity") { record, _ in format(RunHistory.number(record["perplexity"]), 2) },
        Row(label: "active units") { record, _ in
            guard let units = record["active_units"] as? Int else { return nil }
            return (record["latent_dimensions"] as? Int).map { "\(units) of \($0)" } ?? "\(units)"
        },
        Row(label: "mutual information") { record, _ in format(RunHistory.number(record["mutual_information"])).map { "\($0) nats" } },
        Row(label: "squared error") { record, _ in format(RunHistory.number(record["mean_squared_error"]), 5).map { "\($0) per pixel" } },
    ]

    /// The table as HTML, and a sentence for each figure a run lacks where another run has it
    /// (for a single run, the figures it lacks are simply not listed).
    static func html(_ runs: [RunMaterial]) -> (table: String, absent: [String]) {
        let records = runs.map(\.finalFigures)
        guard records.contains(where: { $0 != nil }) else { return ("", []) }
        let e = MarkupText.escaped
        var html = #"<table class="figures"><thead><tr><th></th>"#
        html += runs.map { "<th>\(e($0.name))</th>" }.joined() + "</tr></thead><tbody>"
        html += "<tr><th>source</th>" + records.map { "<td>\(e($0?.source ?? "none yet"))</td>" }.joined() + "</tr>"
        var absent: [String] = []
        for row in rows {
            let cells = zip(records, runs).map { record, run in record.flatMap { row.value($0.record, run) } }
            guard cells.contains(where: { $0 != nil }) else { continue }
            html += "<tr><th>\(e(row.label))</th>" + cells.map { "<td>\(e($0 ?? "—"))</td>" }.joined() + "</tr>"
            for (cell, run) in zip(cells, runs) where cell == nil && runs.count > 1 {
                absent.append("\(run.name) (\(run.family.rawValue)) has no \(row.label): its \(records[runs.firstIndex { $0.name == run.name }!]?.source ?? "run folder") does not record one.")
            }
        }
        html += "</tbody></table>"
        return (html, absent)
    }
}
