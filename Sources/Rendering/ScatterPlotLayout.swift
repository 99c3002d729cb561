/// Where everything of a `ScatterPlot` goes in an image of a given size, in pixels from the
/// top-left corner. The PNG and the SVG are both drawn from one layout, so they match.
///
/// Text positions are the top-left corner of the text drawn in `BitmapFont` (7 pixels tall,
/// 6 pixels per character); the SVG places its own font's baseline at the bottom of that box.
public struct ScatterPlotLayout: Sendable, Equatable {
    /// One line of the legend: a coloured square and its text, or (with `label` nil) the "..."
    /// that stands for entries left out because they did not fit.
    public struct LegendEntry: Sendable, Equatable {
        public let label: Int?
        public let text: String
        /// Top row of the entry; the square spans `squareSize` rows from here.
        public let top: Int
    }

    /// A text and its top-left corner.
    public struct Label: Sendable, Equatable {
        public let text: String
        public let x: Int
        public let y: Int
    }

    public let width: Int
    public let height: Int
    /// The frame's pixel columns and rows (the frame lines themselves). The axis ranges map onto
    /// them exactly: x = `xRange.lowerBound` onto column `frameLeft`, x = `xRange.upperBound`
    /// onto `frameRight`, y = `yRange.lowerBound` onto row `frameBottom`, the top of y's range
    /// onto `frameTop`, linearly in between.
    public let frameLeft: Int
    public let frameTop: Int
    public let frameRight: Int
    public let frameBottom: Int
    public let xRange: ClosedRange<Double>
    public let yRange: ClosedRange<Double>
    public let xTicks: AxisTicks
    public let yTicks: AxisTicks
    /// Tick labels: centred under x ticks, right-aligned left of y ticks and centred on them.
    public let xTickLabels: [Label]
    public let yTickLabels: [Label]
    /// Axis titles (nil when empty); the y title is turned to read upwards, with (x, y) the
    /// top-left corner of the turned box.
    public let xTitle: Label?
    public let yTitle: Label?
    public let title: Label?
    /// Left column of the legend's squares; the text starts `squareSize + 5` to the right.
    public let legendLeft: Int
    public let legendEntries: [LegendEntry]

    /// Side of a legend square, and the vertical distance between legend entries.
    public static let squareSize = 9
    public static let legendPitch = 14
    /// Length of the tick marks outside the frame.
    public static let tickLength = 4

    static let margin = 10
    static let gap = 4

    /// Lays out `plot` in a `width × height` image.
    ///
    /// - Throws: `ScatterPlotError.invalidImageSize` if a side is outside 1...`ScatterPlot.maximumSide`
    ///   or the frame would be less than 40 pixels wide or tall.
    public init(plot: ScatterPlot, width: Int, height: Int) throws(ScatterPlotError) {
        let invalid = ScatterPlotError.invalidImageSize(width: width, height: height)
        guard (1...ScatterPlot.maximumSide).contains(width), (1...ScatterPlot.maximumSide).contains(height) else {
            throw invalid
        }
        let glyphHeight = BitmapFont.glyphHeight, margin = Self.margin, gap = Self.gap, tick = Self.tickLength
        self.width = width
        self.height = height
        xRange = plot.xRange
        yRange = plot.yRange

        // Top: the title, or just room for the top y tick label, which is centred on its tick.
        let titleText = plot.title.flatMap { $0.isEmpty ? nil : $0 }
        frameTop = titleText == nil ? margin + glyphHeight / 2 : margin + glyphHeight + 2 * margin

        // Bottom, from the edge up: margin, x title, gap, tick labels, gap, tick marks.
        let hasXTitle = !plot.xTitle.isEmpty
        let xTitleTop = height - margin - glyphHeight
        let xLabelTop = (hasXTitle ? xTitleTop - 2 * gap : height - margin) - glyphHeight
        frameBottom = xLabelTop - gap - tick - 1

        // The y ticks depend only on the frame's height, which is known now; their labels' width
        // then fixes the left margin.
        guard frameBottom - frameTop >= 40 else { throw invalid }
        yTicks = AxisTicks(range: plot.yRange, targetCount: Self.tickCount(forLength: frameBottom - frameTop))
        let yLabelWidth = yTicks.labels.map(BitmapFont.width(of:)).max() ?? 0
        let hasYTitle = !plot.yTitle.isEmpty
        let yLabelLeft = margin + (hasYTitle ? glyphHeight + 2 * gap : 0)
        frameLeft = yLabelLeft + yLabelWidth + gap + tick + 1

        // Right: the legend column, as wide as its longest text.
        let texts = plot.legendLabels.map(plot.legendText(forLabel:))
        let legendTextWidth = texts.map(BitmapFont.width(of:)).max() ?? 0
        frameRight = width - 1 - (margin + legendTextWidth + 5 + Self.squareSize + 4 * gap)
        legendLeft = frameRight + 4 * gap
        guard frameRight - frameLeft >= 40 else { throw invalid }
        xTicks = AxisTicks(range: plot.xRange, targetCount: Self.tickCount(forLength: frameRight - frameLeft))

        // Everything that depends on the frame.
        var xTickLabels: [Label] = []
        for (value, text) in zip(xTicks.values, xTicks.labels) {
            let column = Int(Self.column(of: value, range: plot.xRange, left: frameLeft, right: frameRight)
                .rounded(.toNearestOrAwayFromZero))
            xTickLabels.append(Label(text: text, x: column - BitmapFont.width(of: text) / 2, y: xLabelTop))
        }
        self.xTickLabels = xTickLabels
        var yTickLabels: [Label] = []
        for (value, text) in zip(yTicks.values, yTicks.labels) {
            let row = Int(Self.row(of: value, range: plot.yRange, top: frameTop, bottom: frameBottom)
                .rounded(.toNearestOrAwayFromZero))
            yTickLabels.append(Label(text: text, x: frameLeft - tick - gap - 1 - BitmapFont.width(of: text),
                                     y: row - glyphHeight / 2))
        }
        self.yTickLabels = yTickLabels
        let frameMiddleX = (frameLeft + frameRight) / 2, frameMiddleY = (frameTop + frameBottom) / 2
        // Titles are centred on the frame, not the image, so they sit over the data.
        title = titleText.map { Label(text: $0, x: frameMiddleX - BitmapFont.width(of: $0) / 2, y: margin) }
        xTitle = hasXTitle
            ? Label(text: plot.xTitle, x: frameMiddleX - BitmapFont.width(of: plot.xTitle) / 2, y: xTitleTop) : nil
        yTitle = hasYTitle
            ? Label(text: plot.yTitle, x: margin, y: frameMiddleY - BitmapFont.width(of: plot.yTitle) / 2) : nil

        // As many legend entries as fit beside the frame; if some do not, the last line says so.
        let fitting = max(1, (frameBottom - frameTop + 1 - Self.squareSize) / Self.legendPitch + 1)
        var entries: [LegendEntry] = []
        for (index, label) in plot.legendLabels.enumerated() {
            let top = frameTop + index * Self.legendPitch
            if texts.count > fitting && index == fitting - 1 {
                entries.append(LegendEntry(label: nil, text: "...", top: top))
                break
            }
            entries.append(LegendEntry(label: label, text: texts[index], top: top))
        }
        legendEntries = entries
    }

    /// About one tick per 80 pixels, so that labels of up to ~12 characters do not collide.
    static func tickCount(forLength length: Int) -> Int {
        min(max(length / 80, 2), 8)
    }

    static func column(of x: Double, range: ClosedRange<Double>, left: Int, right: Int) -> Double {
        Double(left) + (x - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(right - left)
    }

    static func row(of y: Double, range: ClosedRange<Double>, top: Int, bottom: Int) -> Double {
        Double(bottom) - (y - range.lowerBound) / (range.upperBound - range.lowerBound) * Double(bottom - top)
    }

    /// Where the point (x, y) falls, in fractional pixel coordinates: a whole number is the
    /// centre of that pixel column or row.
    public func position(x: Double, y: Double) -> (x: Double, y: Double) {
        (Self.column(of: x, range: xRange, left: frameLeft, right: frameRight),
         Self.row(of: y, range: yRange, top: frameTop, bottom: frameBottom))
    }

    /// The pixel a dot for (x, y) is centred on: `position` rounded to the nearest pixel.
    public func pixel(x: Double, y: Double) -> (x: Int, y: Int) {
        let (column, row) = position(x: x, y: y)
        return (Int(column.rounded(.toNearestOrAwayFromZero)), Int(row.rounded(.toNearestOrAwayFromZero)))
    }
}
