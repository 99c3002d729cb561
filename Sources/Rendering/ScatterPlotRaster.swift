import Foundation

extension ScatterPlot {
    /// Draws the plot as an RGB image (see the type's description for what it shows).
    ///
    /// Dots are opaque and not anti-aliased: every dot pixel has exactly its class colour, and
    /// the dot of a point drawn later (see `drawingOrder`) covers earlier ones.
    ///
    /// - Throws: `ScatterPlotError.invalidImageSize` if the image is too small for the axes and
    ///   legend or larger than `maximumSide`.
    public func image(width: Int = defaultWidth, height: Int = defaultHeight) throws(ScatterPlotError) -> RGBImage {
        let layout = try ScatterPlotLayout(plot: self, width: width, height: height)
        var canvas = PixelCanvas(width: width, height: height, background: ScatterPlotStyle.background)
        let (left, top, right, bottom) = (layout.frameLeft, layout.frameTop, layout.frameRight, layout.frameBottom)

        // Zero lines only strictly inside the frame, where they cannot be mistaken for it.
        if let zero = layout.zeroColumn {
            canvas.fillRectangle(left: zero, top: top + 1, right: zero, bottom: bottom - 1, color: ScatterPlotStyle.zeroLine)
        }
        if let zero = layout.zeroRow {
            canvas.fillRectangle(left: left + 1, top: zero, right: right - 1, bottom: zero, color: ScatterPlotStyle.zeroLine)
        }
        canvas.strokeRectangle(left: left, top: top, right: right, bottom: bottom, color: ScatterPlotStyle.frame)

        let tick = ScatterPlotLayout.tickLength
        for value in layout.xTicks.values {
            let column = layout.pixel(x: value, y: yRange.lowerBound).x
            canvas.fillRectangle(left: column, top: bottom + 1, right: column, bottom: bottom + tick,
                                 color: ScatterPlotStyle.frame)
        }
        for value in layout.yTicks.values {
            let row = layout.pixel(x: xRange.lowerBound, y: value).y
            canvas.fillRectangle(left: left - tick, top: row, right: left - 1, bottom: row, color: ScatterPlotStyle.frame)
        }
        for label in layout.xTickLabels + layout.yTickLabels + [layout.xTitle, layout.title].compactMap({ $0 }) {
            canvas.drawText(label.text, x: label.x, y: label.y, color: ScatterPlotStyle.text)
        }
        if let label = layout.yTitle {
            canvas.drawText(label.text, x: label.x, y: label.y, color: ScatterPlotStyle.text, rotated: true)
        }

        // Dots are clipped to the inside of the frame; the range padding normally keeps them
        // clear of it anyway, except in very small images.
        let clip = (left: left + 1, top: top + 1, right: right - 1, bottom: bottom - 1)
        for index in drawingOrder {
            let point = points[index]
            let center = layout.pixel(x: point.x, y: point.y)
            canvas.fillDisc(centerX: center.x, centerY: center.y, radius: Self.dotRadius,
                            color: Self.color(forLabel: point.label), clip: clip)
        }

        let square = ScatterPlotLayout.squareSize
        for entry in layout.legendEntries {
            if let label = entry.label {
                canvas.fillRectangle(left: layout.legendLeft, top: entry.top, right: layout.legendLeft + square - 1,
                                     bottom: entry.top + square - 1, color: Self.color(forLabel: label))
            }
            canvas.drawText(entry.text, x: layout.legendLeft + square + 5, y: entry.top + 1,
                            color: ScatterPlotStyle.text)
        }
        return canvas.image()
    }
}

extension ScatterPlotLayout {
    /// The column of the line x = 0, if it lies strictly inside the frame.
    var zeroColumn: Int? {
        guard xRange.contains(0) else { return nil }
        let column = pixel(x: 0, y: yRange.lowerBound).x
        return column > frameLeft && column < frameRight ? column : nil
    }

    /// The row of the line y = 0, if it lies strictly inside the frame.
    var zeroRow: Int? {
        guard yRange.contains(0) else { return nil }
        let row = pixel(x: xRange.lowerBound, y: 0).y
        return row > frameTop && row < frameBottom ? row : nil
    }
}
