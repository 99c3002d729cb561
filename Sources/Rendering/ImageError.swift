/// Why an image could not be made or written.
///
/// `description` is one sentence naming the problem (and the file, for write errors).
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Width or height outside 1...2,147,483,647, the range PNG allows.
    case invalidSize(width: Int, height: Int)
    /// The pixel array does not hold `width * height * channels` values.
    case pixelCountMismatch(width: Int, height: Int, channels: Int, found: Int)
    /// A grid was asked for with no tiles.
    case emptyGrid
    /// A grid parameter is out of range, e.g. zero columns or negative padding.
    case invalidGridParameter(name: String, value: Int)
    /// The tile values are not a whole number of `tileHeight × tileWidth` tiles.
    case tileValuesMismatch(valueCount: Int, tileHeight: Int, tileWidth: Int)
    /// The grid these parameters describe would exceed PNG's dimension limit or 4 GiB of pixels.
    case gridTooLarge(tileCount: Int, tileHeight: Int, tileWidth: Int, columns: Int, padding: Int)
    /// Writing the PNG file failed; `reason` is the operating system's explanation.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidSize(let width, let height):
            return "Image size \(width)×\(height) is invalid: PNG needs a width and height from 1 to 2147483647."
        case .pixelCountMismatch(let width, let height, let channels, let found):
            let kind = channels == 1 ? "greyscale" : "RGB"
            let (area, overflow1) = width.multipliedReportingOverflow(by: height)
            let (expected, overflow2) = area.multipliedReportingOverflow(by: channels)
            let needed = overflow1 || overflow2 ? "more pixel values than fit in memory" : "\(expected) pixel values"
            return "A \(width)×\(height) \(kind) image needs \(needed), but \(found) were given."
        case .emptyGrid:
            return "An image grid needs at least one tile."
        case .invalidGridParameter(let name, let value):
            let minimum = name == "padding" ? 0 : 1
            return "Image grid \(name) must be at least \(minimum), got \(value)."
        case .tileValuesMismatch(let count, let height, let width):
            let (perTile, overflow) = height.multipliedReportingOverflow(by: width)
            let each = overflow ? "" : " (\(perTile) values each)"
            return "\(count) values are not a whole number of \(height)×\(width) tiles\(each)."
        case .gridTooLarge(let count, let height, let width, let columns, let padding):
            return "An image grid of \(count) tiles of \(height)×\(width) pixels in \(columns) columns "
                + "with padding \(padding) would be too large to make."
        case .writeFailed(let path, let reason):
            return "Could not write PNG file \(path) (\(reason))."
        }
    }
}
