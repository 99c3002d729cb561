import Foundation

/// What line and bar charts share: the plot area inside an SVG image, the linear maps from data
/// to SVG user units, the axes with their ticks and tick labels, and the titles.
///
/// Every tick is a `<g class="tick">` holding its line and its label, so that a reader of the
/// SVG (a person, or a test in a browser) can map a position back to a value from the labels
/// alone.
struct ChartFrame {
    let width: Int
    let height: Int
    /// The plot area's edges in SVG user units.
    let left: Double, top: Double, right: Double, bottom: Double
    let xRange: ClosedRange<Double>
    let yRange: ClosedRange<Double>
    let xTicks: [(value: Double, label: String)]
    let yTicks: [(value: Double, label: String)]

    /// Room for the title above the plot area, the y tick labels and title to its left, and the
    /// x tick labels and title below it.
    static let margins = (left: 66.0, top: 28.0, right: 16.0, bottom: 44.0)
    static let tickLength = 4.0
    static let textColor = RGBColor(hex: 0x262626).hexString
    static let frameColor = RGBColor(hex: 0x404040).hexString
    static let gridColor = RGBColor(hex: 0xE6E6E6).hexString

    /// A frame whose plot area leaves `extraBottom` units below the x title (for a legend).
    init(width: Int, height: Int, extraBottom: Double = 0, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
         xTicks: [(value: Double, label: String)], yTicks: [(value: Double, label: String)]) {
        (self.width, self.height) = (width, height)
        left = Self.margins.left
        top = Self.margins.top
        right = Double(width) - Self.margins.right
        bottom = Double(height) - Self.margins.bottom - extraBottom
        (self.xRange, self.yRange, self.xTicks, self.yTicks) = (xRange, yRange, xTicks, yTicks)
    }

    /// The horizontal position of data value `value`.
    func x(_ value: Double) -> Double {
        left + (value - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * (right - left)
    }

    /// The vertical position of data value `value`: larger values higher up.
    func y(_ value: Double) -> Double {
        bottom - (value - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * (bottom - top)
    }

    /// The opening tag of the chart's SVG element, its background, title, grid, frame, ticks and
    /// axis titles; the caller adds the marks and closes the element.
    func svgOpening(kind: String, title: String, xTitle: String, yTitle: String) -> [String] {
        let n = MarkupText.number, e = MarkupText.escaped
        var lines: [String] = []
        lines.append(#"<svg xmlns="http://www.w3.org/2000/svg" class="chart \#(kind)" width="\#(width)" height="\#(height)" "#
            + #"viewBox="0 0 \#(width) \#(height)" font-family="sans-serif" font-size="11" role="img" aria-label="\#(e(title))">"#)
        lines.append(#"<rect width="\#(width)" height="\#(height)" fill="white"/>"#)
        lines.append(#"<text class="chart-title" x="\#(n((left + right) / 2))" y="17" text-anchor="middle" font-size="13" "#
            + #"fill="\#(Self.textColor)">\#(e(title))</text>"#)
        lines.append(#"<g class="grid" stroke="\#(Self.gridColor)" stroke-width="1">"#)
        for tick in yTicks {
            lines.append(#"<line x1="\#(n(left))" y1="\#(n(y(tick.value)))" x2="\#(n(right))" y2="\#(n(y(tick.value)))"/>"#)
        }
        lines.append("</g>")
        lines.append(#"<rect class="frame" x="\#(n(left))" y="\#(n(top))" width="\#(n(right - left))" height="\#(n(bottom - top))" "#
            + #"fill="none" stroke="\#(Self.frameColor)" stroke-width="1"/>"#)
        lines.append(#"<g class="x-ticks" stroke="\#(Self.frameColor)" fill="\#(Self.textColor)">"#)
        for tick in xTicks {
            let position = n(x(tick.value))
            lines.append(#"<g class="tick"><line x1="\#(position)" y1="\#(n(bottom))" x2="\#(position)" "#
                + #"y2="\#(n(bottom + Self.tickLength))"/><text x="\#(position)" y="\#(n(bottom + 16))" "#
                + #"text-anchor="middle" stroke="none">\#(e(tick.label))</text></g>"#)
        }
        lines.append("</g>")
        lines.append(#"<g class="y-ticks" stroke="\#(Self.frameColor)" fill="\#(Self.textColor)">"#)
        for tick in yTicks {
            let position = n(y(tick.value))
            lines.append(#"<g class="tick"><line x1="\#(n(left - Self.tickLength))" y1="\#(position)" x2="\#(n(left))" "#
                + #"y2="\#(position)"/><text x="\#(n(left - Self.tickLength - 3))" y="\#(n(y(tick.value) + 4))" "#
                + #"text-anchor="end" stroke="none">\#(e(tick.label))</text></g>"#)
        }
        lines.append("</g>")
        lines.append(#"<text class="x-title" x="\#(n((left + right) / 2))" y="\#(n(bottom + 32))" text-anchor="middle" "#
            + #"fill="\#(Self.textColor)">\#(e(xTitle))</text>"#)
        let titleX = 13.0, titleY = (top + bottom) / 2
        lines.append(#"<text class="y-title" x="\#(n(titleX))" y="\#(n(titleY))" transform="rotate(-90 \#(n(titleX)) \#(n(titleY)))" "#
            + #"text-anchor="middle" fill="\#(Self.textColor)">\#(e(yTitle))</text>"#)
        return lines
    }

    /// Ticks for a value axis over `range`: AxisTicks' round values and labels, or only the whole
    /// numbers among them, labelled as integers, for an axis of counts such as epochs.
    static func ticks(_ range: ClosedRange<Double>, integers: Bool = false) -> [(value: Double, label: String)] {
        let ticks = AxisTicks(range: range, targetCount: 5)
        guard integers else { return Array(zip(ticks.values, ticks.labels)) }
        if ticks.step >= 1 { return ticks.values.map { ($0, String(Int($0))) } }
        let whole = (Int(range.lowerBound.rounded(.up))...Int(range.upperBound.rounded(.down)))
        return whole.map { (Double($0), String($0)) }
    }

    /// A range around `values` with a margin of 6% of their span on each side, so that no mark
    /// sits on the frame; a single value gets a range of its own size around it.
    static func paddedRange(_ values: [Double]) -> ClosedRange<Double> {
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        let span = high - low
        let pad = span > 0 ? span * 0.06 : Swift.max(abs(low) * 0.05, 0.5)
        return (low - pad)...(high + pad)
    }
}
