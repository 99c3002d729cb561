/// Why a scatter plot could not be made, drawn or written.
///
/// `description` is one sentence naming the problem.
public enum ScatterPlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There were no points to plot.
    case noPoints
    /// Point `index` has a NaN or infinite coordinate.
    case nonFiniteCoordinate(index: Int)
    /// Point `index` has a negative class label.
    case negativeLabel(index: Int, label: Int)
    /// Class names were given, but a point's label has none.
    case labelWithoutName(label: Int, classNameCount: Int)
    /// The coordinates are so large that their range overflows a Double.
    case rangeTooLarge
    /// The requested image leaves no room for the plot, or exceeds `ScatterPlot.maximumSide`.
    case invalidImageSize(width: Int, height: Int)
    /// Writing the file failed; `reason` is the operating system's explanation.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .noPoints:
            return "A scatter plot needs at least one point, but none were given."
        case .nonFiniteCoordinate(let index):
            return "Point \(index) of the scatter plot has a coordinate that is not a finite number."
        case .negativeLabel(let index, let label):
            return "Point \(index) of the scatter plot has the negative class label \(label)."
        case .labelWithoutName(let label, let count):
            return "Class label \(label) has no name: only \(count) class names were given."
        case .rangeTooLarge:
            return "The scatter plot's coordinates span a range too large to compute."
        case .invalidImageSize(let width, let height):
            return "A scatter plot cannot be drawn at \(width)×\(height) pixels: it needs room for the "
                + "axes and legend, and at most \(ScatterPlot.maximumSide) pixels a side."
        case .writeFailed(let path, let reason):
            return "Could not write scatter plot file \(path) (\(reason))."
        }
    }
}
