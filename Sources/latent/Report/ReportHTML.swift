import Foundation
import Rendering

/// The pieces of HTML that the report of one run and the comparison of several share: the page
/// around the content with its style sheet, the curves, the KL of each latent dimension, a
/// run's sections and notes. Everything is inline (SVG drawn by Rendering, pictures as data
/// URLs, no script, no font, no link), so the file opens anywhere without a network.
enum ReportHTML {
    static func escaped(_ text: String) -> String { MarkupText.escaped(text) }

    /// A whole page: `title` in the tab and as the heading, then `body`.
    static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
        <title>\(escaped(title))</title>
        <style>\(styleSheet)</style>
        </head>
        <body>
        <h1>\(escaped(title))</h1>
        \(body)
        </body>
        </html>

        """
    }

    static let styleSheet = """
        body { font-family: sans-serif; color: #262626; margin: 24px auto; max-width: 1440px; padding: 0 16px; }
        h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; }
        .charts, .pictures, .runs { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
        .runs > section { flex: 1 1 360px; min-width: 320px; }
        figure { margin: 0; } figcaption { font-size: 12px; color: #555; max-width: 460px; }
        img.picture { image-rendering: pixelated; border: 1px solid #ddd; }
        pre { background: #f6f6f6; padding: 8px; overflow-x: auto; font-size: 12px; }
        pre.configuration { column-width: 260px; }
        table { border-collapse: collapse; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
        td { font-variant-numeric: tabular-nums; }
        .note { color: #555; font-size: 13px; } .absent { color: #8a4b00; font-size: 13px; }
        ol.sentences { font-family: monospace; font-size: 13px; list-style: none; padding-left: 0; }
        ol.sentences .label { color: #777; display: inline-block; min-width: 4em; }
        """

    /// The curves of `runs`, one chart per figure any of them records, overlaid on shared axes.
    static func curves(_ runs: [RunMaterial]) -> String {
        var charts: [String] = []
        var absent: [String] = []
        for curve in ReportCurve.all {
            guard let drawn = curve.chart(runs) else { continue }
            charts.append(#"<figure class="curve" data-title="\#(escaped(curve.title))">"# + drawn.chart.svg() + "</figure>")
            absent += drawn.absent
        }
        guard !charts.isEmpty else { return "" }
        return "<h2>Curves</h2>\n"
            + #"<p class="note">One point per epoch from metrics.jsonl; solid lines are the training split, dashed validation, dotted test.</p>"#
            + "\n" + #"<div class="charts">"# + charts.joined(separator: "\n") + "</div>\n" + sentences(absent)
    }

    /// A bar chart of the KL of each latent dimension of `run`, or nil when it records none.
    static func klPerDimension(_ run: RunMaterial) -> String? {
        guard let (source, values) = run.klPerDimension else { return nil }
        let bars = values.enumerated().map { BarChart.Bar(label: String($0.offset), value: $0.element, highlighted: $0.element >= 0.01) }
        let active = bars.filter(\.highlighted).count
        let chart = BarChart(title: "KL per latent dimension", xTitle: "latent dimension",
                             yTitle: "KL, nats per \(run.exampleNoun)", bars: bars)
        return #"<figure class="kl-per-dimension">"# + chart.svg()
            + "<figcaption>From \(escaped(source)). \(active) of \(values.count) dimensions carry at least 0.01 nats (blue); "
            + "a dimension near zero is unused by the decoder.</figcaption></figure>"
    }

    /// A run's own sections: pictures inlined as PNG data URLs, sentences as a list.
    static func sections(_ run: RunMaterial, headingLevel: Int = 2) -> String {
        var html = ""
        for section in run.sections {
            html += "<h\(headingLevel)>\(escaped(section.title))</h\(headingLevel)>\n"
            if let note = section.note { html += #"<p class="note">\#(escaped(note))</p>"# + "\n" }
            switch section.content {
            case .images(let pictures):
                html += #"<div class="pictures">"#
                for picture in pictures {
                    html += "<figure>" + image(picture) + "<figcaption>\(escaped(picture.caption))</figcaption></figure>\n"
                }
                html += "</div>\n"
            case .lines(let lines):
                html += #"<ol class="sentences">"#
                    + lines.map { #"<li><span class="label">\#(escaped($0.label))</span> \#(escaped($0.text))</li>"# }.joined()
                    + "</ol>\n"
            }
        }
        return html
    }

    /// An `<img>` of a PNG, shown at twice its size when small (28×28 digits are tiny on screen).
    static func image(_ picture: ReportSection.Picture) -> String {
        let width = picture.png.count >= 24 ? picture.png[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
        let scale = width > 0 && width <= 300 ? 2 : 1
        let size = width > 0 ? #" width="\#(width * scale)""# : ""
        return #"<img class="picture" src="data:image/png;base64,\#(picture.png.base64EncodedString())"\#(size) alt="\#(escaped(picture.caption))">"#
    }

    /// Each sentence as a paragraph, for figures that do not apply to a run.
    static func sentences(_ texts: [String]) -> String {
        texts.map { #"<p class="absent">\#(escaped($0))</p>"# }.joined(separator: "\n")
    }

    /// The notes of a run: what is missing and why.
    static func notes(_ run: RunMaterial) -> String {
        run.notes.map { #"<p class="note missing">\#(escaped($0))</p>"# }.joined(separator: "\n")
    }

    /// How far a run has trained, and in which precision: "3 of 10 epochs in metrics.jsonl, trained in fp32".
    static func progress(_ run: RunMaterial) -> String {
        let planned = run.plannedEpochs.map { " of \($0)" } ?? ""
        return "\(run.history.lastEpoch)\(planned) epochs in metrics.jsonl, trained in \(run.precision)"
    }
}
