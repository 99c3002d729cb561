import Foundation

/// A line chart of one or more series against a shared x axis, drawn as SVG: the training curves
/// of a run report, where x is the epoch.
///
/// Each series is a `<g class="series">` holding a `<polyline>` and one `<circle class="point">`
/// per point, in x order, with the `attributes` given (for example `data-split="test"`) on the
/// group, so that a page can label and a test can find each curve. No JavaScript is needed to
/// read it.
public struct LineChart: Sendable {
    /// One curve: points joined in the order given, with a dot on each.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: RGBColor
        /// An SVG dash pattern ("6 3"), or nil for a solid line.
        public var dash: String?
        /// Extra attributes of the series' group, such as ["data-split": "test"].
        public var attributes: [String: String]

        public init(name: String, points: [(x: Double, y: Double)], color: RGBColor, dash: String? = nil,
                    attributes: [String: String] = [:]) {
            (self.name, self.points, self.color, self.dash, self.attributes) = (name, points, color, dash, attributes)
        }
    }

    public var title: String
    /// The x axis' title, with its unit: "epoch".
    public var xTitle: String
    /// The y axis' title, with its unit: "nats per image".
    public var yTitle: String
    public var series: [Series]
    /// Whether x counts something (epochs): ticks then fall on whole numbers only.
    public var integerX: Bool

    public static let defaultWidth = 460
    public static let defaultHeight = 290
    /// Height of one legend line under the plot.
    static let legendPitch = 15.0

    public init(title: String, xTitle: String, yTitle: String, series: [Series], integerX: Bool = true) {
        (self.title, self.xTitle, self.yTitle, self.series, self.integerX) = (title, xTitle, yTitle, series, integerX)
    }

    /// The chart as an SVG element, for a standalone file or for inlining in HTML. Points whose x
    /// or y is not finite are left out, as they cannot be placed. The legend, one line per series,
    /// adds to `height`.
    public func svg(width: Int = defaultWidth, height: Int = defaultHeight) -> String {
        let drawn = series.map { line in (line, line.points.filter { $0.x.isFinite && $0.y.isFinite }) }
        let xs = drawn.flatMap { $0.1.map(\.x) }, ys = drawn.flatMap { $0.1.map(\.y) }
        // A quarter step of room at each end keeps the first and last dots off the frame.
        let xPad = xs.isEmpty ? 0 : Swift.max((xs.max()! - xs.min()!) * 0.04, 0.25)
        let xRange = xs.isEmpty ? 0...1 : (xs.min()! - xPad)...(xs.max()! + xPad)
        let yRange = ChartFrame.paddedRange(ys)
        let legendHeight = Double(series.count) * Self.legendPitch + 4
        let frame = ChartFrame(width: width, height: height + Int(legendHeight.rounded(.up)), extraBottom: legendHeight,
                               xRange: xRange, yRange: yRange,
                               xTicks: ChartFrame.ticks(xRange, integers: integerX), yTicks: ChartFrame.ticks(yRange))
        let n = MarkupText.number, e = MarkupText.escaped
        var lines = frame.svgOpening(kind: "line-chart", title: title, xTitle: xTitle, yTitle: yTitle)
        for (line, points) in drawn {
            let extra = line.attributes.sorted { $0.key < $1.key }.map { #" \#($0.key)="\#(e($0.value))""# }.joined()
            let color = line.color.hexString
            lines.append(#"<g class="series"\#(extra) data-name="\#(e(line.name))">"#)
            let path = points.map { "\(n(frame.x($0.x))),\(n(frame.y($0.y)))" }.joined(separator: " ")
            let dash = line.dash.map { #" stroke-dasharray="\#($0)""# } ?? ""
            lines.append(#"<polyline points="\#(path)" fill="none" stroke="\#(color)" stroke-width="1.5"\#(dash)/>"#)
            for point in points {
                lines.append(#"<circle class="point" cx="\#(n(frame.x(point.x)))" cy="\#(n(frame.y(point.y)))" r="2.5" "#
                    + #"fill="\#(color)"><title>\#(e(line.name)): \#(e(Self.describe(point)))</title></circle>"#)
            }
            lines.append("</g>")
        }
        lines.append(#"<g class="legend" fill="\#(ChartFrame.textColor)">"#)
        for (index, line) in series.enumerated() {
            let y = frame.bottom + ChartFrame.margins.bottom + Double(index) * Self.legendPitch + 6
            let dash = line.dash.map { #" stroke-dasharray="\#($0)""# } ?? ""
            lines.append(#"<line x1="\#(n(frame.left))" y1="\#(n(y))" x2="\#(n(frame.left + 24))" y2="\#(n(y))" "#
                + #"stroke="\#(line.color.hexString)" stroke-width="2"\#(dash)/>"#)
            lines.append(#"<text x="\#(n(frame.left + 30))" y="\#(n(y + 4))">\#(e(line.name))</text>"#)
        }
        lines.append("</g>")
        lines.append("</svg>")
        return lines.joined(separator: "\n")
    }

    /// A point as its tooltip shows it: "epoch 3: 112.47".
    static func describe(_ point: (x: Double, y: Double)) -> String {
        let x = point.x == point.x.rounded() ? String(Int(point.x)) : String(format: "%g", point.x)
        return "\(x): \(String(format: "%.6g", point.y))"
    }
}
