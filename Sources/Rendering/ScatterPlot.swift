import Foundation

/// One point of a scatter plot: its position and the class it belongs to.
public struct ScatterPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    /// The class index, 0 or more; it picks the dot's colour.
    public var label: Int

    public init(x: Double, y: Double, label: Int) {
        self.x = x
        self.y = y
        self.label = label
    }
}

/// A scatter plot of labelled 2-D points, such as a VAE's latent codes coloured by class, drawn
/// as a PNG image (`image(width:height:)`) or as SVG (`svg(width:height:)`) with the same layout.
///
/// What is drawn:
/// - a frame around the plot area, whose axis ranges run from the smallest to the largest
///   coordinate, widened by `rangePadding` of the span on each side so that no dot touches the
///   frame (a range of zero length, from a single point or identical ones, becomes the value
///   ± 10 % of its magnitude, or ± 1 around 0);
/// - light grey lines at x = 0 and y = 0 where they fall inside the ranges;
/// - round tick values on both axes with their labels (see `AxisTicks`), so the ranges can be
///   read off the picture;
/// - a dot of radius `dotRadius` per point, coloured `color(forLabel:)`;
/// - a legend with one coloured square per class that occurs, in increasing label order,
///   labelled by the class index and, if given, its name;
/// - the axis titles under the x axis and beside the y axis, and an optional title on top.
///
/// The PNG draws its text in a small built-in bitmap font (`BitmapFont`), which has capitals
/// only: lower-case letters appear as capitals, and characters it lacks as "?". The SVG keeps
/// the text as given.
public struct ScatterPlot: Sendable {
    /// The default image size, a little wider than tall to leave room for the legend.
    public static let defaultWidth = 640
    public static let defaultHeight = 560
    /// The largest width or height drawn; far beyond any screen, and it bounds memory use.
    public static let maximumSide = 8192
    /// Radius of a dot in pixels (the disc is `2 * dotRadius + 1` pixels across).
    public static let dotRadius = 2
    /// The fraction of the data span added to each end of an axis range.
    public static let rangePadding = 0.05
    /// Class names are cut to this many characters in the legend, so one long name cannot
    /// squeeze the plot.
    public static let maximumNameLength = 24

    /// The points, in the order given.
    public let points: [ScatterPoint]
    /// Names of classes 0, 1, …, or nil to label the legend with indices only.
    public let classNames: [String]?
    /// Title of the horizontal axis, e.g. "z0" or "PC1 (34% of variance)".
    public let xTitle: String
    /// Title of the vertical axis.
    public let yTitle: String
    /// A title above the plot, or nil for none.
    public let title: String?
    /// The horizontal axis range: the data range, padded (see the type's description).
    public let xRange: ClosedRange<Double>
    /// The vertical axis range: the data range, padded.
    public let yRange: ClosedRange<Double>
    /// The distinct labels of the points, ascending: the classes the legend lists.
    public let legendLabels: [Int]

    /// Makes a plot of `points`.
    ///
    /// - Parameters:
    ///   - points: at least one point, with finite coordinates and labels ≥ 0.
    ///   - classNames: names for labels 0..<count; if given, every label must have one.
    ///   - xTitle, yTitle: the axis titles; empty strings leave them out.
    ///   - title: an optional title above the plot.
    /// - Throws: `ScatterPlotError` if there are no points, a coordinate is not finite, a label
    ///   is negative or has no name, or the coordinates are too large for their range to be
    ///   computed.
    public init(points: [ScatterPoint], classNames: [String]? = nil,
                xTitle: String = "x", yTitle: String = "y", title: String? = nil) throws(ScatterPlotError) {
        guard !points.isEmpty else { throw .noPoints }
        for (index, point) in points.enumerated() {
            guard point.x.isFinite, point.y.isFinite else { throw .nonFiniteCoordinate(index: index) }
            guard point.label >= 0 else { throw .negativeLabel(index: index, label: point.label) }
            if let classNames, point.label >= classNames.count {
                throw .labelWithoutName(label: point.label, classNameCount: classNames.count)
            }
        }
        self.points = points
        self.classNames = classNames
        self.xTitle = xTitle
        self.yTitle = yTitle
        self.title = title
        xRange = try Self.axisRange(points.lazy.map(\.x))
        yRange = try Self.axisRange(points.lazy.map(\.y))
        legendLabels = Set(points.map(\.label)).sorted()
    }

    /// The colour of the dots of class `label`: the 10 categorical colours in turn, starting over
    /// at label 10.
    public static func color(forLabel label: Int) -> RGBColor {
        let palette = RGBColor.categorical
        return palette[((label % palette.count) + palette.count) % palette.count]
    }

    /// The legend's text for class `label`: its index, then its name if there is one (cut to
    /// `maximumNameLength` characters, ending in "...").
    public func legendText(forLabel label: Int) -> String {
        guard let classNames, label < classNames.count, !classNames[label].isEmpty else { return "\(label)" }
        let name = classNames[label]
        let shown = name.count <= Self.maximumNameLength
            ? name : String(name.prefix(Self.maximumNameLength - 3)) + "..."
        return "\(label) \(shown)"
    }

    /// The order in which the points are drawn, as indices into `points`: later dots cover
    /// earlier ones.
    ///
    /// Drawing in the given order would let whichever class comes last (data sets are often
    /// sorted by label) hide the others wherever they overlap. Instead the points are sorted by
    /// a fixed hash of their index, which interleaves the classes evenly and gives the same
    /// picture on every run and platform (Swift's `Hasher` is seeded per process, so it is not
    /// used).
    public var drawingOrder: [Int] {
        points.indices.sorted { Self.mix(UInt64($0)) < Self.mix(UInt64($1)) }
    }

    /// The SplitMix64 finalizer: a bijection on 64-bit integers that scrambles every input bit
    /// into every output bit, so distinct indices never tie.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The padded range of `values` (see the type's description).
    static func axisRange<Values: Sequence<Double>>(_ values: Values) throws(ScatterPlotError) -> ClosedRange<Double> {
        var lowest = Double.infinity, highest = -Double.infinity
        for value in values {
            lowest = min(lowest, value)
            highest = max(highest, value)
        }
        let span = highest - lowest
        let (lower, upper): (Double, Double)
        if span > 0 {
            lower = lowest - rangePadding * span
            upper = highest + rangePadding * span
        } else {
            // Values this close to 0 are treated as 0: a tenth of a subnormal would round to 0.
            let half = abs(lowest) < 1e-300 ? 1 : abs(lowest) * 0.1
            lower = lowest - half
            upper = lowest + half
        }
        // Coordinates near Double's limit can overflow here; a plot of them would be meaningless.
        guard lower.isFinite, upper.isFinite, (upper - lower).isFinite, upper > lower else { throw .rangeTooLarge }
        return lower...upper
    }
}

/// Colours of the parts of a scatter plot that are not data, shared by the PNG and the SVG.
enum ScatterPlotStyle {
    static let background = RGBColor.white
    /// Lines at x = 0 and y = 0: light enough to sit behind the dots without competing.
    static let zeroLine = RGBColor(hex: 0xD9D9D9)
    static let frame = RGBColor(hex: 0x404040)
    static let text = RGBColor(hex: 0x262626)
}
