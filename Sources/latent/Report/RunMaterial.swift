import Foundation
import GenerativeModels
import TensorCore

/// Everything a report shows of one run, read from its folder: config.json, metrics.jsonl,
/// eval.json, and what the run's model contributes (``ReportContributor``). What is missing
/// (no metrics yet, no checkpoint, a torn eval.json) becomes a note on the page, not an error:
/// a report shows what exists.
struct RunMaterial {
    let folder: RunFolder
    /// The run as the user named it, for headings and sentences.
    let name: String
    let family: ModelFamily
    /// config.json as it is on disk.
    let configurationText: String
    /// The epoch count config.json asks for.
    let plannedEpochs: Int?
    /// The GEMM precision the run trains in, as config.json spells it: "fp32" for runs that
    /// predate the record.
    let precision: String
    let trainCommand: String?
    let history: RunHistory
    /// eval.json, when `latent eval` has written one.
    let evaluation: [String: Any]?
    let sections: [ReportSection]
    let notes: [String]

    /// What one example is: the unit of every figure in nats.
    var exampleNoun: String { family.dataKind == .text ? "sentence" : "image" }

    /// Reads the run in `folder`, which must have a config.json naming a family; `contributor`
    /// gives the family's sections, or nil when the run's model could not be opened, with
    /// `unopened` saying why.
    init(folder: RunFolder, name: String, contributor: (any ReportContributor)?, trainCommand: String?, unopened: String? = nil) throws {
        self.folder = folder
        self.name = name
        family = try folder.family()
        configurationText = (try? String(contentsOf: folder.configuration, encoding: .utf8)) ?? ""
        let configuration = (try? JSONSerialization.jsonObject(with: Data(configurationText.utf8))) as? [String: Any]
        plannedEpochs = configuration?["epochs"] as? Int
        precision = configuration?["precision"] as? String ?? GEMMPrecision.float32.rawValue
        self.trainCommand = trainCommand
        history = RunHistory(metricsAt: folder.metrics)
        var notes: [String] = []
        if history.isEmpty {
            let reason = FileManager.default.fileExists(atPath: folder.metrics.path) ? "holds no epoch yet" : "does not exist yet"
            notes.append("\(name)/metrics.jsonl \(reason): the run has not finished an epoch, so there are no curves.")
        }
        let evaluationFile = folder.url.appendingPathComponent("eval.json")
        if let data = try? Data(contentsOf: evaluationFile) {
            evaluation = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            if evaluation == nil { notes.append("\(name)/eval.json is not a JSON object; its figures are left out.") }
        } else {
            evaluation = nil
        }
        var sections: [ReportSection] = []
        if let contributor {
            do { sections = try contributor.reportSections() } catch {
                notes.append("No pictures or sentences: \(error)")
            }
        } else if let unopened {
            notes.append("No pictures or sentences: \(unopened)")
        }
        self.sections = sections
        self.notes = notes
    }

    /// The figures of the finished run: eval.json's when it exists, else the latest evaluation
    /// line of metrics.jsonl, with where they come from.
    var finalFigures: (source: String, record: [String: Any])? {
        if let evaluation {
            let count = (evaluation["examples"] ?? evaluation["sentences"]).map { " on \($0) examples" } ?? ""
            return ("eval.json\(count)", evaluation)
        }
        guard let latest = history.latestEvaluation(holding: "split") else { return nil }
        return ("metrics.jsonl, epoch \(latest.epoch), \(latest.split) split", latest.record)
    }

    /// The KL of each latent dimension: eval.json's, else the latest evaluation line's; nil for a
    /// model without a latent code or a run written before the key existed.
    var klPerDimension: (source: String, values: [Double])? {
        if let values = (evaluation?["kl_per_dimension"] as? [Any])?.compactMap(RunHistory.number), !values.isEmpty {
            return ("eval.json", values)
        }
        guard let latest = history.latestEvaluation(holding: "kl_per_dimension"),
              let values = (latest.record["kl_per_dimension"] as? [Any])?.compactMap(RunHistory.number), !values.isEmpty else { return nil }
        return ("metrics.jsonl, epoch \(latest.epoch), \(latest.split) split", values)
    }
}
