import Foundation
import XCTest
@testable import Rendering

/// The SVG of line and bar charts: one dot per point at its mapped position, ticks whose labels
/// are the values they mark, and text escaped.
final class ChartTests: XCTestCase {
    func testLineChartPlacesEveryPointOnTheAxes() throws {
        let points: [(x: Double, y: Double)] = [(1, 120.5), (2, 110.25), (3, 104), (4, 101.75)]
        let chart = LineChart(title: "−ELBO <test>", xTitle: "epoch", yTitle: "nats per image",
                              series: [.init(name: "test −ELBO", points: points, color: .black, attributes: ["data-split": "test"])])
        let svg = chart.svg()
        XCTAssert(svg.contains("−ELBO &lt;test&gt;"), "the title is escaped")
        XCTAssert(svg.contains(#"data-split="test""#))
        let circles = try matches(#"<circle class="point" cx="([0-9.]+)" cy="([0-9.]+)""#, in: svg)
        XCTAssertEqual(circles.count, 4)
        // Ticks: the label's number, and the tick line's position along its axis.
        let yTicks = try matches(#"<g class="tick"><line x1="[0-9.]+" y1="([0-9.]+)" x2="[0-9.]+" y2="[0-9.]+"/><text x="[0-9.]+" y="[0-9.]+" text-anchor="end" stroke="none">([-0-9.]+)</text>"#, in: svg)
        let xTicks = try matches(#"<g class="tick"><line x1="([0-9.]+)" y1="[0-9.]+" x2="[0-9.]+" y2="[0-9.]+"/><text x="[0-9.]+" y="[0-9.]+" text-anchor="middle" stroke="none">([-0-9.]+)</text>"#, in: svg)
        XCTAssertEqual(xTicks.map { $0[1] }, [1, 2, 3, 4], "epochs are whole-number ticks")
        XCTAssertGreaterThanOrEqual(yTicks.count, 3)
        func map(_ ticks: [[Double]], _ value: Double) -> Double {
            let (first, last) = (ticks.first!, ticks.last!)
            return first[0] + (value - first[1]) * (last[0] - first[0]) / (last[1] - first[1])
        }
        for (circle, point) in zip(circles, points) {
            XCTAssertEqual(circle[0], map(xTicks, point.x), accuracy: 0.02)
            XCTAssertEqual(circle[1], map(yTicks, point.y), accuracy: 0.02)
        }
    }

    func testLineChartSkipsPointsThatCannotBePlaced() {
        let chart = LineChart(title: "t", xTitle: "epoch", yTitle: "y",
                              series: [.init(name: "s", points: [(1, 2), (2, .nan), (3, .infinity), (4, 3)], color: .black)])
        XCTAssertEqual(chart.svg().components(separatedBy: #"class="point""#).count - 1, 2)
    }

    func testBarChartDrawsOneBarPerCategoryFromZero() throws {
        let chart = BarChart(title: "KL per latent dimension", xTitle: "latent dimension", yTitle: "KL, nats",
                             bars: [.init(label: "0", value: 2), .init(label: "1", value: 0.001, highlighted: false), .init(label: "2", value: 1)])
        let svg = chart.svg()
        let bars = try matches(#"<rect class="bar" data-label="[0-9]+" x="[0-9.]+" y="([0-9.]+)" width="[0-9.]+" height="([0-9.]+)""#, in: svg)
        XCTAssertEqual(bars.count, 3)
        let bottoms = bars.map { $0[0] + $0[1] }
        XCTAssertEqual(bottoms.max()! - bottoms.min()!, 0, accuracy: 0.02, "every bar stands on the zero line")
        XCTAssertEqual(bars[0][1] / bars[2][1], 2, accuracy: 0.01, "heights are proportional to the values")
    }

    /// Every match of `pattern`'s capture groups, as numbers.
    func matches(_ pattern: String, in text: String) throws -> [[Double]] {
        let expression = try NSRegularExpression(pattern: pattern)
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { Double(text[Range(match.range(at: $0), in: text)!])! }
        }
    }
}
