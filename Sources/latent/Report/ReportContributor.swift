import Foundation

/// What a run shows in its report beyond what every run has (its configuration, the curves of
/// metrics.jsonl, the figures of eval.json and the KL of each latent dimension): its latest
/// pictures, or for a text model a few sentences. The run types (``TrainedRun``) adopt it for
/// `latent report`, and the reports of a training (``EpochReport``) for the report written after
/// every epoch, so the report code never asks which family it draws.
protocol ReportContributor {
    /// The sections, in the order the page shows them; none is fine.
    func reportSections() throws -> [ReportSection]
}

/// A run type that can contribute to a report: every run that opens.
protocol ReportingRun: TrainedRun, ReportContributor {
    /// The `latent train` subcommand, with the flags that choose the model, that made this run.
    var trainCommand: String { get }
}

/// A titled part of a report that a model family contributes.
struct ReportSection {
    /// What the section holds.
    enum Content {
        /// Pictures, each with its caption.
        case images([Picture])
        /// Labelled lines of text, such as decoded sentences.
        case lines([Line])
    }

    /// A PNG file's bytes, inlined into the page, and what it shows.
    struct Picture {
        let caption: String
        let png: Data
    }

    struct Line {
        let label: String
        let text: String
    }

    let title: String
    /// A sentence under the title: how the content was made.
    let note: String?
    let content: Content
}
