import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Rendering
import XCTest

/// Scatter plots: dots of the class colour at the positions the axis ranges map them to, the
/// legend, zero lines and ticks in the PNG; the same content as well-formed SVG; degenerate inputs.
final class ScatterPlotTests: XCTestCase {
    private typealias Pixel = (red: UInt8, green: UInt8, blue: UInt8)

    private func color(of image: RGBImage, _ x: Int, _ y: Int) -> RGBColor? {
        image.pixel(x: x, y: y).map { RGBColor(red: $0.red, green: $0.green, blue: $0.blue) }
    }

    /// Offsets of the pixels of a radius-2 dot: centres within 2.5 pixels.
    private let discOffsets = (-2...2).flatMap { dy in (-2...2).compactMap { dx in dx * dx + dy * dy <= 6 ? (dx, dy) : nil } }

    /// The pixel a point should land on, computed here from the documented rule (the padded range
    /// maps linearly onto the frame lines) rather than through the layout's own mapping.
    private func expectedPixel(_ point: ScatterPoint, _ layout: ScatterPlotLayout,
                               xRange: ClosedRange<Double>, yRange: ClosedRange<Double>) -> (Int, Int) {
        let fx = (point.x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        let fy = (point.y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound)
        return (Int((Double(layout.frameLeft) + fx * Double(layout.frameRight - layout.frameLeft)).rounded()),
                Int((Double(layout.frameBottom) - fy * Double(layout.frameBottom - layout.frameTop)).rounded()))
    }

    private let fourPoints = [
        ScatterPoint(x: -1, y: -1, label: 0), ScatterPoint(x: 1, y: 1, label: 1),
        ScatterPoint(x: 0.5, y: -0.5, label: 2), ScatterPoint(x: -0.8, y: 0.6, label: 3),
    ]

    // MARK: PNG

    func testDotsOfTheClassColourAppearAtTheMappedPositions() throws {
        let plot = try ScatterPlot(points: fourPoints)
        XCTAssertEqual(plot.xRange.lowerBound, -1.1, accuracy: 1e-12)
        XCTAssertEqual(plot.xRange.upperBound, 1.1, accuracy: 1e-12)
        XCTAssertEqual(plot.yRange.lowerBound, -1.1, accuracy: 1e-12)
        XCTAssertEqual(plot.yRange.upperBound, 1.1, accuracy: 1e-12)

        let image = try plot.image()
        XCTAssertEqual(image.width, 640)
        XCTAssertEqual(image.height, 560)
        // Read the pixels back from the PNG bytes, through the independent test decoder.
        let decoded = try PNGTestDecoder.decode(image.pngData())
        XCTAssertEqual(decoded.colorType, 2)
        XCTAssertEqual(decoded.pixels, image.pixels)

        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        let palette: [RGBColor] = [RGBColor(red: 31, green: 119, blue: 180), RGBColor(red: 255, green: 127, blue: 14),
                                   RGBColor(red: 44, green: 160, blue: 44), RGBColor(red: 214, green: 39, blue: 40)]
        for point in fourPoints {
            let (x, y) = expectedPixel(point, layout, xRange: -1.1...1.1, yRange: -1.1...1.1)
            for (dx, dy) in discOffsets {
                XCTAssertEqual(color(of: image, x + dx, y + dy), palette[point.label], "point \(point) offset (\(dx), \(dy))")
            }
            for (dx, dy) in [(3, 0), (-3, 0), (0, 3), (0, -3), (2, 2), (-2, -2)] {
                XCTAssertNotEqual(color(of: image, x + dx, y + dy), palette[point.label], "outside the dot of \(point)")
            }
        }
        // Higher y is higher up: point 1 (y = 1) is above point 0 (y = -1).
        XCTAssertLessThan(expectedPixel(fourPoints[1], layout, xRange: -1.1...1.1, yRange: -1.1...1.1).1,
                          expectedPixel(fourPoints[0], layout, xRange: -1.1...1.1, yRange: -1.1...1.1).1)
        // Exactly the four dots' pixels carry class colours inside the frame.
        var coloured = 0
        for y in (layout.frameTop + 1)..<layout.frameBottom {
            for x in (layout.frameLeft + 1)..<layout.frameRight where palette.contains(color(of: image, x, y)!) {
                coloured += 1
            }
        }
        XCTAssertEqual(coloured, 4 * discOffsets.count)
    }

    func testPaletteCyclesAfterTenClasses() {
        XCTAssertEqual(ScatterPlot.color(forLabel: 0).hexString, "#1f77b4")
        XCTAssertEqual(ScatterPlot.color(forLabel: 9).hexString, "#17becf")
        XCTAssertEqual(ScatterPlot.color(forLabel: 10), ScatterPlot.color(forLabel: 0))
        XCTAssertEqual(ScatterPlot.color(forLabel: 23), ScatterPlot.color(forLabel: 3))
        XCTAssertEqual(Set(RGBColor.categorical).count, 10)
    }

    func testFrameZeroLinesAndTicks() throws {
        let plot = try ScatterPlot(points: fourPoints)
        let image = try plot.image()
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        let frame = RGBColor(hex: 0x404040), zeroLine = RGBColor(hex: 0xD9D9D9)
        XCTAssertEqual(color(of: image, layout.frameLeft, layout.frameTop + 10), frame)
        XCTAssertEqual(color(of: image, layout.frameRight, layout.frameBottom - 10), frame)
        XCTAssertEqual(color(of: image, layout.frameLeft + 10, layout.frameTop), frame)
        XCTAssertEqual(color(of: image, layout.frameLeft + 10, layout.frameBottom), frame)

        // The zero lines pass through the middle of the symmetric ranges.
        let (zeroX, zeroY) = expectedPixel(ScatterPoint(x: 0, y: 0, label: 0), layout, xRange: -1.1...1.1, yRange: -1.1...1.1)
        XCTAssertEqual(color(of: image, zeroX, layout.frameTop + 1), zeroLine)
        XCTAssertEqual(color(of: image, zeroX, layout.frameBottom - 1), zeroLine)
        XCTAssertEqual(color(of: image, layout.frameLeft + 1, zeroY), zeroLine)
        XCTAssertEqual(color(of: image, zeroX + 1, layout.frameTop + 1), .white)

        // Ticks every 0.5 from -1 to 1, labelled with one decimal, each with a mark below the frame.
        XCTAssertEqual(layout.xTicks.labels, ["-1.0", "-0.5", "0.0", "0.5", "1.0"])
        for value in layout.xTicks.values {
            let (x, _) = expectedPixel(ScatterPoint(x: value, y: 0, label: 0), layout, xRange: -1.1...1.1, yRange: -1.1...1.1)
            XCTAssertEqual(color(of: image, x, layout.frameBottom + 1), frame, "tick \(value)")
            XCTAssertEqual(color(of: image, x + 1, layout.frameBottom + 1), .white, "tick \(value)")
        }

        // All-positive data: no zero lines anywhere.
        let positive = try ScatterPlot(points: [ScatterPoint(x: 1, y: 1, label: 0), ScatterPoint(x: 2, y: 3, label: 0)])
        XCTAssertFalse(try positive.image().pixels.chunks3.contains { $0 == [0xD9, 0xD9, 0xD9] })
    }

    func testLegendHasOneSquarePerClassWithItsIndexInTheBitmapFont() throws {
        let points = [7, 2, 7, 12].enumerated().map { ScatterPoint(x: Double($0.offset), y: Double($0.offset % 2), label: $0.element) }
        let plot = try ScatterPlot(points: points)
        XCTAssertEqual(plot.legendLabels, [2, 7, 12])
        let image = try plot.image()
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        XCTAssertEqual(layout.legendEntries.map(\.label), [2, 7, 12])
        XCTAssertEqual(layout.legendEntries.map(\.text), ["2", "7", "12"])
        for entry in layout.legendEntries {
            let label = try XCTUnwrap(entry.label)
            for dy in 0..<ScatterPlotLayout.squareSize {
                for dx in 0..<ScatterPlotLayout.squareSize {
                    XCTAssertEqual(color(of: image, layout.legendLeft + dx, entry.top + dy), ScatterPlot.color(forLabel: label))
                }
            }
            // The index, pixel for pixel: ink where the glyph has it, white elsewhere.
            let textLeft = layout.legendLeft + ScatterPlotLayout.squareSize + 5
            for (index, character) in entry.text.enumerated() {
                for (row, mask) in BitmapFont.rows(of: character).enumerated() {
                    for column in 0..<5 {
                        let ink = mask & (1 << (4 - column)) != 0
                        XCTAssertEqual(color(of: image, textLeft + 6 * index + column, entry.top + 1 + row),
                                       ink ? RGBColor(hex: 0x262626) : .white, "\(entry.text) (\(column), \(row))")
                    }
                }
            }
        }
        // Class names extend the legend text; they must exist for every label.
        let names = (0..<13).map { "class \($0)" }
        let named = try ScatterPlot(points: points, classNames: names)
        XCTAssertEqual(named.legendText(forLabel: 7), "7 class 7")
        XCTAssertEqual(try ScatterPlotLayout(plot: named, width: 640, height: 560).legendEntries.map(\.text),
                       ["2 class 2", "7 class 7", "12 class 12"])
    }

    func testBitmapFontGlyphsAreDistinct() {
        let characters = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-+.,:()[]%/_='!?*#&")
        let glyphs = characters.map { BitmapFont.rows(of: $0) }
        XCTAssertTrue(glyphs.allSatisfy { $0.count == 7 && $0.allSatisfy { $0 < 32 } })
        XCTAssertEqual(Set(glyphs).count, characters.count)
        XCTAssertEqual(BitmapFont.drawableCharacters("pc1 ~"), ["P", "C", "1", " ", "?"])
        XCTAssertEqual(BitmapFont.width(of: "12"), 11)
    }

    func testDrawingOrderIsFixedAndInterleavesClasses() throws {
        // Two points on the same spot: the one drawn later shows.
        let overlapping = try ScatterPlot(points: [ScatterPoint(x: 0, y: 0, label: 0), ScatterPoint(x: 0, y: 0, label: 1),
                                                   ScatterPoint(x: 1, y: 1, label: 2)])
        let order = overlapping.drawingOrder
        XCTAssertEqual(order.sorted(), [0, 1, 2])
        let layout = try ScatterPlotLayout(plot: overlapping, width: 640, height: 560)
        let (x, y) = layout.pixel(x: 0, y: 0)
        let last = order.filter { $0 < 2 }.last!
        XCTAssertEqual(color(of: try overlapping.image(), x, y), ScatterPlot.color(forLabel: last))
        XCTAssertEqual(try overlapping.image(), try overlapping.image())

        // 1,000 points sorted by class: the first tenth drawn already mixes all ten classes.
        let sorted = try ScatterPlot(points: (0..<1000).map { ScatterPoint(x: Double($0), y: 0, label: $0 / 100) })
        let drawn = sorted.drawingOrder
        XCTAssertEqual(drawn.sorted(), Array(0..<1000))
        XCTAssertEqual(Set(drawn.prefix(100).map { $0 / 100 }).count, 10)
    }

    // MARK: SVG

    func testSVGHasOneCirclePerPointWithItsColourAndPosition() throws {
        let plot = try ScatterPlot(points: fourPoints, xTitle: "z0", yTitle: "z1")
        let svg = try plot.svg()
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        let circles = svg.split(separator: "\n").filter { $0.hasPrefix("<circle") }
        XCTAssertEqual(circles.count, 4)
        for (line, index) in zip(circles, plot.drawingOrder) {
            let point = fourPoints[index]
            let (x, y) = expectedPixel(point, layout, xRange: -1.1...1.1, yRange: -1.1...1.1)
            let position = layout.position(x: point.x, y: point.y)
            // The exact position, in pixel-centre coordinates, within the 0.01 the SVG keeps.
            XCTAssertEqual(position.x, Double(x), accuracy: 0.5)
            XCTAssertEqual(position.y, Double(y), accuracy: 0.5)
            XCTAssertTrue(line.contains(#"fill="\#(ScatterPlot.color(forLabel: point.label).hexString)""#), String(line))
            XCTAssertTrue(line.contains(#"class="label-\#(point.label)""#), String(line))
            let cx = try XCTUnwrap(attribute("cx", in: String(line))), cy = try XCTUnwrap(attribute("cy", in: String(line)))
            XCTAssertEqual(cx, position.x + 0.5, accuracy: 0.005)
            XCTAssertEqual(cy, position.y + 0.5, accuracy: 0.005)
        }
    }

    private func attribute(_ name: String, in line: String) -> Double? {
        guard let start = line.range(of: " \(name)=\"") else { return nil }
        return Double(line[start.upperBound...].prefix { $0 != "\"" })
    }

    func testSVGIsWellFormedXMLWithLegendAndTitles() throws {
        let names = ["T-shirt/top", "Trouser", "a <b> & \"c\"", "bell\u{7}"]
        let plot = try ScatterPlot(points: fourPoints, classNames: names,
                                   xTitle: "PC1 (34% of variance)", yTitle: "PC2 (20% of variance)", title: "Latent codes")
        let svg = try plot.svg()
        XCTAssertTrue(svg.contains("a &lt;b&gt; &amp; &quot;c&quot;"))
        XCTAssertFalse(svg.contains("\u{7}"))
        #if canImport(FoundationXML) || os(macOS)
        let document = try XMLDocument(xmlString: svg, options: [])
        let root = try XCTUnwrap(document.rootElement())
        XCTAssertEqual(root.name, "svg")
        // Attributes are looked up through `attributes`: FoundationXML's attribute(forName:)
        // returned nil for the root's "width" here (Swift 6.3.1 on Linux), which `attributes` lists.
        func attribute(_ name: String, of node: XMLNode) -> String? {
            (node as? XMLElement)?.attributes?.first { $0.name == name }?.stringValue
        }
        XCTAssertEqual(attribute("width", of: root), "640")
        XCTAssertEqual(attribute("viewBox", of: root), "0 0 640 560")
        let circles = try document.nodes(forXPath: "//*[local-name()='circle']")
        XCTAssertEqual(circles.count, 4)
        let legendTexts = try document.nodes(forXPath: "//*[local-name()='g'][@id='legend']/*[local-name()='text']")
            .map { $0.stringValue ?? "" }
        XCTAssertEqual(legendTexts, ["0 T-shirt/top", "1 Trouser", "2 a <b> & \"c\"", "3 bell\u{FFFD}"])
        let squares = try document.nodes(forXPath: "//*[local-name()='g'][@id='legend']/*[local-name()='rect']")
        XCTAssertEqual(squares.compactMap { attribute("fill", of: $0) },
                       (0..<4).map { ScatterPlot.color(forLabel: $0).hexString })
        func text(_ id: String) throws -> String? {
            try document.nodes(forXPath: "//*[@id='\(id)']").first?.stringValue
        }
        XCTAssertEqual(try text("x-title"), "PC1 (34% of variance)")
        XCTAssertEqual(try text("y-title"), "PC2 (20% of variance)")
        XCTAssertEqual(try text("title"), "Latent codes")
        let tickLabels = try document.nodes(forXPath: "//*[@id='tick-labels']/*").compactMap(\.stringValue)
        XCTAssertEqual(tickLabels, ["-1.0", "-0.5", "0.0", "0.5", "1.0", "-1.0", "-0.5", "0.0", "0.5", "1.0"])
        #else
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 4)
        #endif
    }

    func testWriteSVGReplacesTheFileAndReportsFailures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scatter-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plot = try ScatterPlot(points: fourPoints)
        let url = directory.appendingPathComponent("plot.svg")
        try plot.writeSVG(to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), try plot.svg())

        let missing = directory.appendingPathComponent("no-such-folder/plot.svg")
        XCTAssertThrowsError(try plot.writeSVG(to: missing)) { error in
            XCTAssertEqual(error as? ScatterPlotError,
                           .writeFailed(path: missing.path, reason: "No such file or directory"))
        }
    }

    // MARK: Degenerate inputs

    func testASinglePointIsCentredInAUnitRange() throws {
        let plot = try ScatterPlot(points: [ScatterPoint(x: 3, y: -2, label: 4)])
        XCTAssertEqual(plot.xRange.lowerBound, 2.7, accuracy: 1e-12)
        XCTAssertEqual(plot.xRange.upperBound, 3.3, accuracy: 1e-12)
        XCTAssertEqual(plot.yRange.lowerBound, -2.2, accuracy: 1e-12)
        XCTAssertEqual(plot.yRange.upperBound, -1.8, accuracy: 1e-12)
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        let (x, y) = layout.pixel(x: 3, y: -2)
        XCTAssertEqual(Double(x), Double(layout.frameLeft + layout.frameRight) / 2, accuracy: 0.5)
        XCTAssertEqual(Double(y), Double(layout.frameTop + layout.frameBottom) / 2, accuracy: 0.5)
        XCTAssertEqual(color(of: try plot.image(), x, y), ScatterPlot.color(forLabel: 4))
        XCTAssertEqual(try plot.svg().components(separatedBy: "<circle").count - 1, 1)
    }

    func testIdenticalPointsAtZeroGetTheRangeMinusOneToOne() throws {
        let plot = try ScatterPlot(points: Array(repeating: ScatterPoint(x: 0, y: 0, label: 1), count: 5))
        XCTAssertEqual(plot.xRange, -1...1)
        XCTAssertEqual(plot.yRange, -1...1)
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 560)
        XCTAssertEqual(layout.xTicks.values.first, -1)
        XCTAssertEqual(layout.xTicks.values.last, 1)
        let (x, y) = layout.pixel(x: 0, y: 0)
        XCTAssertEqual(color(of: try plot.image(), x, y), ScatterPlot.color(forLabel: 1))
    }

    func testInvalidInputsThrowDescriptiveErrors() {
        func error(_ body: () throws -> Void) -> ScatterPlotError? {
            do { try body(); return nil } catch { return error as? ScatterPlotError }
        }
        XCTAssertEqual(error { _ = try ScatterPlot(points: []) }, .noPoints)
        XCTAssertEqual(ScatterPlotError.noPoints.description, "A scatter plot needs at least one point, but none were given.")
        XCTAssertEqual(error { _ = try ScatterPlot(points: [fourPoints[0], ScatterPoint(x: .nan, y: 0, label: 0)]) },
                       .nonFiniteCoordinate(index: 1))
        XCTAssertEqual(error { _ = try ScatterPlot(points: [ScatterPoint(x: 0, y: .infinity, label: 0)]) },
                       .nonFiniteCoordinate(index: 0))
        XCTAssertEqual(error { _ = try ScatterPlot(points: [ScatterPoint(x: 0, y: 0, label: -1)]) },
                       .negativeLabel(index: 0, label: -1))
        XCTAssertEqual(error { _ = try ScatterPlot(points: fourPoints, classNames: ["a", "b"]) },
                       .labelWithoutName(label: 2, classNameCount: 2))
        XCTAssertEqual(error { _ = try ScatterPlot(points: [ScatterPoint(x: -1.7e308, y: 0, label: 0),
                                                            ScatterPoint(x: 1.7e308, y: 1, label: 0)]) },
                       .rangeTooLarge)
        for (width, height) in [(100, 100), (0, 560), (640, -1), (9000, 560), (640, 70)] {
            XCTAssertEqual(error { _ = try ScatterPlot(points: fourPoints).image(width: width, height: height) },
                           .invalidImageSize(width: width, height: height), "\(width)×\(height)")
        }
        XCTAssertNotNil(try? ScatterPlot(points: fourPoints).image(width: 160, height: 120))
    }

    func testManyClassesTruncateTheLegendWithAnEllipsis() throws {
        let points = (0..<60).map { ScatterPoint(x: Double($0), y: Double($0 * $0), label: $0) }
        let plot = try ScatterPlot(points: points)
        let layout = try ScatterPlotLayout(plot: plot, width: 640, height: 300)
        let entries = layout.legendEntries
        XCTAssertLessThan(entries.count, 60)
        XCTAssertEqual(entries.last?.label, nil)
        XCTAssertEqual(entries.last?.text, "...")
        XCTAssertLessThanOrEqual(entries.last!.top + ScatterPlotLayout.squareSize - 1, layout.frameBottom)
        XCTAssertEqual(entries.dropLast().map(\.label), (0..<(entries.count - 1)).map { $0 })
    }

    // MARK: Axis ticks

    func testAxisTicksAreRoundAndLabelledCompactly() {
        let unit = AxisTicks(range: 0...1, targetCount: 5)
        XCTAssertEqual(unit.step, 0.2, accuracy: 1e-15)
        XCTAssertEqual(unit.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let integers = AxisTicks(range: -3.3...4.4, targetCount: 5)
        XCTAssertEqual(integers.values, [-2, 0, 2, 4])
        XCTAssertEqual(integers.labels, ["-2", "0", "2", "4"])
        XCTAssertEqual(AxisTicks(range: 1.2e7...3.1e7, targetCount: 4).labels, ["1.5e7", "2.0e7", "2.5e7", "3.0e7"])
        XCTAssertEqual(AxisTicks(range: 1.2e-5...1.5e-5, targetCount: 3).labels, ["1.2e-5", "1.3e-5", "1.4e-5", "1.5e-5"])
        // Far from zero, narrow: still a handful of ticks, no endless loop.
        let far = AxisTicks(range: 1e300...(1e300 + 1e285), targetCount: 5)
        XCTAssertFalse(far.values.isEmpty)
        XCTAssertLessThanOrEqual(far.values.count, 22)
        XCTAssertFalse(AxisTicks(range: 0.5...0.6, targetCount: 1).values.isEmpty)
    }
}

private extension Array where Element == UInt8 {
    /// The bytes in consecutive groups of three (one RGB pixel each).
    var chunks3: [[UInt8]] { stride(from: 0, to: count, by: 3).map { Array(self[$0..<($0 + 3)]) } }
}
