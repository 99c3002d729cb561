import Foundation

/// The report of one run (`RUN/report.html`) and the comparison of several, as HTML pages.
enum ReportPage {
    /// One run: how it was trained, its curves, its final figures, the KL of each latent
    /// dimension and what its model contributes.
    static func single(_ run: RunMaterial) -> String {
        let e = ReportHTML.escaped
        var body = #"<p class="summary">\#(e(run.family.rawValue)) run \#(e(run.folder.url.path)): \#(e(ReportHTML.progress(run))).</p>"#
        body += ReportHTML.notes(run)
        body += "\n<h2>Command and configuration</h2>\n"
        if let command = run.trainCommand {
            body += #"<p>Trained by <code>latent train \#(e(command)) --out \#(e(run.name))</code> with the configuration below; "#
                + #"<code>latent train \#(e(command)) --out \#(e(run.name)) --resume --epochs N</code> trains it on.</p>"#
        }
        body += #"<pre class="configuration">"# + e(run.configurationText) + "</pre>\n"
        body += ReportHTML.curves([run])
        let figures = ReportFigures.html([run])
        if !figures.table.isEmpty {
            body += "<h2>Figures</h2>\n" + figures.table + "\n"
            if run.evaluation == nil {
                body += #"<p class="note">From the last epoch's evaluation; <code>latent eval \#(e(run.name))</code> adds the importance-weighted estimate and active units.</p>"#
            }
        }
        if let chart = ReportHTML.klPerDimension(run) { body += "<h2>Latent code</h2>\n" + chart + "\n" }
        body += ReportHTML.sections(run)
        return ReportHTML.page(title: "Latent run report: \(run.name)", body: body)
    }

    /// Several runs: their curves overlaid on the same axes, their final figures in one table,
    /// and each run's latent code, pictures and sentences side by side. A figure or curve that
    /// does not apply to a run gets a sentence saying so.
    static func comparison(_ runs: [RunMaterial]) -> String {
        let e = ReportHTML.escaped
        var body = "<ul class=\"run-list\">"
        for run in runs {
            body += "<li><b>\(e(run.name))</b>: \(e(run.family.rawValue)), \(e(ReportHTML.progress(run)))</li>"
        }
        body += "</ul>\n" + runs.map(ReportHTML.notes).joined(separator: "\n")
        body += ReportHTML.curves(runs)
        let figures = ReportFigures.html(runs)
        if !figures.table.isEmpty {
            body += "<h2>Figures</h2>\n" + figures.table + "\n" + ReportHTML.sentences(figures.absent)
        }
        body += "\n<h2>Each run</h2>\n<div class=\"runs\">"
        for run in runs {
            body += "<section><h3>\(e(run.name))</h3>"
            if let chart = ReportHTML.klPerDimension(run) {
                body += chart
            } else {
                body += ReportHTML.sentences(["\(run.name) (\(run.family.rawValue)) records no KL per latent dimension: its model has no latent code, or the run predates the figure."])
            }
            body += ReportHTML.sections(run, headingLevel: 4) + "</section>\n"
        }
        body += "</div>\n"
        return ReportHTML.page(title: "Latent comparison of \(runs.count) runs", body: body)
    }
}
