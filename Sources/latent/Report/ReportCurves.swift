import Foundation
import Rendering

/// A figure of metrics.jsonl drawn as one curve per split over the epochs. Which curves a run
/// gets follows from the keys its lines hold, not from its family: a PixelCNN records no KL, so
/// it has no KL curve.
struct ReportCurve {
    /// A key of metrics.jsonl, and how it is drawn.
    struct Key {
        let name: String
        /// Drawn as its negation: "elbo" is logged as the (negative) bound and drawn as −ELBO.
        let negated: Bool
        let label: String
    }

    let title: String
    /// The keys tried in order for each run; the first the run records is drawn.
    let keys: [Key]
    /// The y axis' title for runs whose examples are, for example, "image".
    let unit: @Sendable (String) -> String
    /// The splits drawn; nil for all. Figures that are the same on every line of an epoch (β,
    /// the epoch's seconds) are drawn once, from the training line.
    let splits: [String]?

    static let all: [ReportCurve] = [
        .init(title: "−ELBO or exact NLL", keys: [.init(name: "elbo", negated: true, label: "−ELBO"), .init(name: "nll", negated: false, label: "NLL")],
              unit: { "nats per \($0)" }, splits: nil),
        .init(title: "Reconstruction", keys: [.init(name: "reconstruction", negated: false, label: "reconstruction")],
              unit: { "nats per \($0)" }, splits: nil),
        .init(title: "KL", keys: [.init(name: "kl", negated: false, label: "KL")], unit: { "nats per \($0)" }, splits: nil),
        .init(title: "β", keys: [.init(name: "beta", negated: false, label: "β")], unit: { _ in "weight of the KL term" }, splits: ["train"]),
        .init(title: "Perplexity", keys: [.init(name: "perplexity", negated: false, label: "perplexity")],
              unit: { _ in "per word and <eos>" }, splits: nil),
        .init(title: "Bits per dimension", keys: [.init(name: "bits_per_dim", negated: false, label: "bits/dim")],
              unit: { _ in "bits per pixel" }, splits: nil),
        .init(title: "Seconds per epoch", keys: [.init(name: "seconds", negated: false, label: "seconds")],
              unit: { _ in "seconds" }, splits: ["train"]),
    ]

    /// Dash patterns by split: solid training curves, dashed validation, dotted test.
    static func dash(forSplit split: String) -> String? {
        switch split {
        case "train": nil
        case "validation": "6 3"
        default: "2 3"
        }
    }

    /// The key drawn for a run, or nil when the run records none of them.
    func key(for history: RunHistory) -> Key? {
        keys.first { key in history.splits.contains { !history.values(key.name, split: $0).isEmpty } }
    }

    /// The curves of `runs` on one pair of axes, colours by run (or by split for a single run),
    /// and for each run that records none of the keys a sentence that says so; nil when no run
    /// records any.
    func chart(_ runs: [RunMaterial]) -> (chart: LineChart, absent: [String])? {
        var series: [LineChart.Series] = []
        var absent: [String] = []
        for (index, run) in runs.enumerated() {
            guard let key = key(for: run.history) else {
                absent.append("\(run.name) (\(run.family.rawValue)) records no \(keys.map(\.label).joined(separator: " or ")) in its metrics.jsonl.")
                continue
            }
            let drawnSplits = run.history.splits.filter { self.splits?.contains($0) ?? true }
            for (splitIndex, split) in drawnSplits.enumerated() {
                let values = run.history.values(key.name, split: split)
                guard !values.isEmpty else { continue }
                let color = runs.count == 1 ? ScatterPlot.color(forLabel: splitIndex) : ScatterPlot.color(forLabel: index)
                let name = (runs.count == 1 ? "" : run.name + " ") + "\(split) \(key.label)"
                series.append(.init(name: name, points: values.map { (Double($0.epoch), key.negated ? -$0.value : $0.value) },
                                    color: color, dash: Self.dash(forSplit: split),
                                    attributes: ["data-run": String(index), "data-split": split, "data-key": key.name,
                                                 "data-negated": key.negated ? "true" : "false"]))
            }
        }
        guard !series.isEmpty else { return nil }
        let nouns = Set(runs.map(\.exampleNoun))
        let unit = unit(nouns.count == 1 ? nouns.first! : "example")
        return (LineChart(title: title, xTitle: "epoch", yTitle: unit, series: series), absent)
    }
}
