import Foundation

/// A bar chart of one value per named category, drawn as SVG from zero up: the KL of each latent
/// dimension in a run report, where a bar near zero is a unit that carries no information.
///
/// Each bar is a `<rect class="bar">` with the `data-label` of its category, in the order given.
public struct BarChart: Sendable {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// Drawn in the accent colour; the others in grey.
        public var highlighted: Bool

        public init(label: String, value: Double, highlighted: Bool = true) {
            (self.label, self.value, self.highlighted) = (label, value, highlighted)
        }
    }

    public var title: String
    public var xTitle: String
    /// The value axis' title, with its unit: "KL, nats".
    public var yTitle: String
    public var bars: [Bar]

    public static let defaultWidth = 460
    public static let defaultHeight = 260
    static let accent = RGBColor(hex: 0x1F77B4)
    static let muted = RGBColor(hex: 0xBDBDBD)

    public init(title: String, xTitle: String, yTitle: String, bars: [Bar]) {
        (self.title, self.xTitle, self.yTitle, self.bars) = (title, xTitle, yTitle, bars)
    }

    /// The chart as an SVG element. Values that are not finite or below zero are drawn as zero;
    /// with many bars only every k-th category is labelled, so labels never overlap.
    public func svg(width: Int = defaultWidth, height: Int = defaultHeight) -> String {
        let values = bars.map { $0.value.isFinite ? Swift.max($0.value, 0) : 0 }
        let top = Swift.max(values.max() ?? 0, 1e-6) * 1.08
        let count = Swift.max(bars.count, 1)
        let plotWidth = Double(width) - ChartFrame.margins.left - ChartFrame.margins.right
        // Labels about 28 units apart at most: every k-th bar.
        let labelEvery = Swift.max(1, Int((28 / (plotWidth / Double(count))).rounded(.up)))
        let xTicks = bars.indices.filter { $0 % labelEvery == 0 }.map { (Double($0) + 0.5, bars[$0].label) }
        let frame = ChartFrame(width: width, height: height, xRange: 0...Double(count), yRange: 0...top,
                               xTicks: xTicks, yTicks: ChartFrame.ticks(0...top))
        let n = MarkupText.number, e = MarkupText.escaped
        var lines = frame.svgOpening(kind: "bar-chart", title: title, xTitle: xTitle, yTitle: yTitle)
        let slot = (frame.right - frame.left) / Double(count)
        lines.append(#"<g class="bars">"#)
        for (index, bar) in bars.enumerated() {
            let x = frame.x(Double(index)) + slot * 0.15, y = frame.y(values[index])
            lines.append(#"<rect class="bar" data-label="\#(e(bar.label))" x="\#(n(x))" y="\#(n(y))" width="\#(n(slot * 0.7))" "#
                + #"height="\#(n(frame.bottom - y))" fill="\#((bar.highlighted ? Self.accent : Self.muted).hexString)">"#
                + #"<title>\#(e(bar.label)): \#(String(format: "%.4g", bar.value))</title></rect>"#)
        }
        lines.append("</g>")
        lines.append("</svg>")
        return lines.joined(separator: "\n")
    }
}
