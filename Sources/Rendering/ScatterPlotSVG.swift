import Foundation

extension ScatterPlot {
    /// The plot as a standalone SVG document with the same layout as `image(width:height:)`:
    /// the same frame, zero lines, ticks, dots (one `<circle>` per point, in `drawingOrder`),
    /// legend and titles. Text is real `<text>` in a sans-serif font, as given (not upper-cased),
    /// so class names and titles can be read, searched and edited.
    ///
    /// SVG user units are the PNG's pixels, and a pixel's centre is at (column + 0.5, row + 0.5),
    /// so a dot centred on PNG pixel (c, r) is the circle at (c + 0.5, r + 0.5) — at its exact
    /// rather than rounded position. Each circle carries its class as `class="label-k"` too,
    /// for restyling or hiding a class by CSS.
    ///
    /// - Throws: `ScatterPlotError.invalidImageSize` as `image(width:height:)`.
    public func svg(width: Int = defaultWidth, height: Int = defaultHeight) throws(ScatterPlotError) -> String {
        let layout = try ScatterPlotLayout(plot: self, width: width, height: height)
        let (left, top, right, bottom) = (layout.frameLeft, layout.frameTop, layout.frameRight, layout.frameBottom)
        let tick = ScatterPlotLayout.tickLength, gap = ScatterPlotLayout.gap
        // Baseline of a line of text whose bitmap-font box starts at row y.
        func baseline(_ y: Int) -> String { number(Double(y) + 7.5) }
        func center(_ pixel: Int) -> String { number(Double(pixel) + 0.5) }
        let textColor = ScatterPlotStyle.text.hexString, frameColor = ScatterPlotStyle.frame.hexString

        var lines: [String] = []
        lines.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        lines.append(#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\#(width)" height="\#(height)" "#
            + #"viewBox="0 0 \#(width) \#(height)" font-family="sans-serif" font-size="11">"#)
        lines.append(#"<rect width="\#(width)" height="\#(height)" fill="\#(ScatterPlotStyle.background.hexString)"/>"#)
        lines.append(#"<defs><clipPath id="plot-area"><rect x="\#(left + 1)" y="\#(top + 1)" "#
            + #"width="\#(right - left - 1)" height="\#(bottom - top - 1)"/></clipPath></defs>"#)

        lines.append(#"<g id="zero-lines" stroke="\#(ScatterPlotStyle.zeroLine.hexString)" stroke-width="1">"#)
        if let zero = layout.zeroColumn {
            lines.append(#"<line x1="\#(center(zero))" y1="\#(top + 1)" x2="\#(center(zero))" y2="\#(bottom)"/>"#)
        }
        if let zero = layout.zeroRow {
            lines.append(#"<line x1="\#(left + 1)" y1="\#(center(zero))" x2="\#(right)" y2="\#(center(zero))"/>"#)
        }
        lines.append("</g>")
        lines.append(#"<rect id="frame" x="\#(center(left))" y="\#(center(top))" width="\#(right - left)" "#
            + #"height="\#(bottom - top)" fill="none" stroke="\#(frameColor)" stroke-width="1"/>"#)

        lines.append(#"<g id="ticks" stroke="\#(frameColor)" stroke-width="1">"#)
        for value in layout.xTicks.values {
            let x = center(layout.pixel(x: value, y: yRange.lowerBound).x)
            lines.append(#"<line x1="\#(x)" y1="\#(bottom + 1)" x2="\#(x)" y2="\#(bottom + 1 + tick)"/>"#)
        }
        for value in layout.yTicks.values {
            let y = center(layout.pixel(x: xRange.lowerBound, y: value).y)
            lines.append(#"<line x1="\#(left - tick)" y1="\#(y)" x2="\#(left)" y2="\#(y)"/>"#)
        }
        lines.append("</g>")

        lines.append(#"<g id="tick-labels" fill="\#(textColor)">"#)
        for (label, value) in zip(layout.xTickLabels, layout.xTicks.values) {
            let x = center(layout.pixel(x: value, y: yRange.lowerBound).x)
            lines.append(#"<text x="\#(x)" y="\#(baseline(label.y))" text-anchor="middle">\#(escaped(label.text))</text>"#)
        }
        for label in layout.yTickLabels {
            lines.append(#"<text x="\#(left - tick - gap)" y="\#(baseline(label.y))" text-anchor="end">"#
                + #"\#(escaped(label.text))</text>"#)
        }
        lines.append("</g>")

        let middleX = number(Double(left + right + 1) / 2)
        if let label = layout.xTitle {
            lines.append(#"<text id="x-title" x="\#(middleX)" y="\#(baseline(label.y))" text-anchor="middle" "#
                + #"fill="\#(textColor)">\#(escaped(label.text))</text>"#)
        }
        if let label = layout.yTitle {
            // Turned about its own anchor; the baseline ends up on the box's right edge.
            let x = number(Double(label.x) + 7.5), y = number(Double(top + bottom + 1) / 2)
            lines.append(#"<text id="y-title" x="\#(x)" y="\#(y)" transform="rotate(-90 \#(x) \#(y))" "#
                + #"text-anchor="middle" fill="\#(textColor)">\#(escaped(label.text))</text>"#)
        }
        if let label = layout.title {
            lines.append(#"<text id="title" x="\#(middleX)" y="\#(baseline(label.y))" "#
                + #"text-anchor="middle" font-size="13" fill="\#(textColor)">\#(escaped(label.text))</text>"#)
        }

        lines.append(#"<g id="points" clip-path="url(#plot-area)">"#)
        let radius = Self.dotRadius
        for index in drawingOrder {
            let point = points[index]
            let (x, y) = layout.position(x: point.x, y: point.y)
            lines.append(#"<circle class="label-\#(point.label)" cx="\#(number(x + 0.5))" cy="\#(number(y + 0.5))" "#
                + #"r="\#(radius)" fill="\#(Self.color(forLabel: point.label).hexString)"/>"#)
        }
        lines.append("</g>")

        // The legend column is sized for the bitmap font's 6-pixel advance; 10-pixel sans-serif
        // text is about as wide, where 11-pixel text would run past the image edge on long names.
        lines.append(#"<g id="legend" font-size="10">"#)
        let square = ScatterPlotLayout.squareSize
        for entry in layout.legendEntries {
            if let label = entry.label {
                lines.append(#"<rect x="\#(layout.legendLeft)" y="\#(entry.top)" width="\#(square)" height="\#(square)" "#
                    + #"fill="\#(Self.color(forLabel: label).hexString)"/>"#)
            }
            lines.append(#"<text x="\#(layout.legendLeft + square + 5)" y="\#(baseline(entry.top + 1))" "#
                + #"fill="\#(textColor)">\#(escaped(entry.text))</text>"#)
        }
        lines.append("</g>")
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `svg(width:height:)` as UTF-8 to `url`, replacing any file there atomically.
    ///
    /// - Throws: `ScatterPlotError.invalidImageSize` as `svg(width:height:)`, or
    ///   `.writeFailed` naming the file and the system's reason.
    public func writeSVG(to url: URL, width: Int = defaultWidth, height: Int = defaultHeight) throws(ScatterPlotError) {
        let data = Data(try svg(width: width, height: height).utf8)
        do {
            try AtomicFileWriter.write(data, to: url)
        } catch {
            guard case .writeFailed(let path, let reason) = error else { throw .writeFailed(path: url.path, reason: "\(error)") }
            throw .writeFailed(path: path, reason: reason)
        }
    }
}

private func number(_ value: Double) -> String { MarkupText.number(value) }

private func escaped(_ text: String) -> String { MarkupText.escaped(text) }
