import Foundation
import Rendering

/// Writes report pages atomically (``AtomicFileWriter``: a temporary file renamed over the old
/// page), so a browser reloading the page, or a training killed mid-write, sees the previous
/// report or the new one, never half of one.
enum RunReportWriter {
    /// The file name of a run's own report, in its folder.
    static let fileName = "report.html"

    /// Writes `html` to `url`, with one sentence naming the file when it cannot.
    static func write(_ html: String, to url: URL) throws {
        do { try AtomicFileWriter.write(Data(html.utf8), to: url, pauseStage: "report") } catch {
            throw CommandError("\(error)")
        }
    }

    /// The report a training writes into its run folder after every epoch, with what the
    /// training's own report contributes. A failure is logged, not thrown: the run itself is
    /// intact and trains on, and `latent report` can write the page later.
    static func writeDuringTraining(folder: RunFolder, contributor: some ReportContributor, trainCommand: String) {
        do {
            let material = try RunMaterial(folder: folder, name: folder.url.path, contributor: contributor, trainCommand: trainCommand)
            try write(ReportPage.single(material), to: folder.url.appendingPathComponent(fileName))
        } catch {
            TrainingLog.write("warning: the report was not written: \(error)")
        }
    }
}
