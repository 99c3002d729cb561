import ArgumentParser
import Foundation

/// `latent report RUN`: RUN/report.html, one self-contained page with the run's command and
/// configuration, curves, figures, latent code and pictures or sentences. With several runs,
/// one page that compares them.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write RUN/report.html, or with several runs one page comparing them (no network, no script).",
        discussion: "A run that is still training, or has no metrics yet, gets a report of what exists."
    )

    @Argument(help: "The run folder, or several to compare.") var runs: [String]
    @Option(help: "Where the page goes (default: RUN/report.html for one run, comparison.html here for several).") var out: String?
    @Option(help: "Threads for decoding the sentences of a text run (default: the run's).") var threads: Int?

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("Name at least one run folder.") }
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1.") }
    }

    func run() throws {
        let materials = try runs.map { try material($0) }
        let html = materials.count == 1 ? ReportPage.single(materials[0]) : ReportPage.comparison(materials)
        let url = out.map { URL(fileURLWithPath: $0) }
            ?? (materials.count == 1 ? materials[0].folder.url.appendingPathComponent(RunReportWriter.fileName)
                                     : URL(fileURLWithPath: "comparison.html"))
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CommandError("--out \(url.path) is a folder; name the .html file to write.")
        }
        try RunReportWriter.write(html, to: url)
        for material in materials {
            for note in material.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        }
        print(url.path)
    }

    /// What the report shows of the run in `path`: everything in the folder, and what its model
    /// contributes when it opens (a run before its first checkpoint does not).
    func material(_ path: String) throws -> RunMaterial {
        let folder = RunFolder(path)
        _ = try folder.family()   // a missing folder or config.json is an error, with its sentence
        do {
            let run = try ModelRegistry.open(path, threads: threads)
            guard let reporting = run as? any ReportingRun else {
                return try RunMaterial(folder: folder, name: path, contributor: nil, trainCommand: nil,
                                       unopened: "a \(run.summary) contributes nothing to a report.")
            }
            return try RunMaterial(folder: folder, name: path, contributor: reporting, trainCommand: reporting.trainCommand)
        } catch let error as CommandError {
            return try RunMaterial(folder: folder, name: path, contributor: nil, trainCommand: nil, unopened: error.description)
        }
    }
}
