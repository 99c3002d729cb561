/// Where each tile goes in a grid of equally sized tiles, filled row by row.
///
/// Padding surrounds every tile, the outer border included, so tiles are separated by
/// `padding` pixels and inset by `padding` from the edges (as torchvision's `make_grid` does).
/// Tile `k` sits in grid row `k / columns` and grid column `k % columns`; cells after the last
/// tile in the bottom row are left as padding.
public struct GridLayout: Sendable, Equatable {
    /// Number of tiles placed.
    public let tileCount: Int
    /// Height of each tile in pixels.
    public let tileHeight: Int
    /// Width of each tile in pixels.
    public let tileWidth: Int
    /// Tiles per grid row: the requested number, but no more than `tileCount`, so that a
    /// short batch does not leave a wide empty band on the right.
    public let columns: Int
    /// Number of grid rows, enough for all tiles.
    public let rows: Int
    /// Pixels around each tile.
    public let padding: Int
    /// Width of the whole grid in pixels.
    public let width: Int
    /// Height of the whole grid in pixels.
    public let height: Int

    /// The grid must fit in a PNG (each side at most 2³¹−1) and in 4 GiB of pixels; a larger
    /// request is almost certainly a mistake, such as a padding meant in another unit.
    static let maximumPixelCount = 1 << 32

    /// Lays out `tileCount` tiles of `tileHeight × tileWidth` in `columns` columns.
    ///
    /// - Throws: `ImageError` if there are no tiles, a size or `columns` is below 1, `padding`
    ///   is negative, or the grid would be too large.
    public init(tileCount: Int, tileHeight: Int, tileWidth: Int, columns: Int, padding: Int) throws(ImageError) {
        guard tileCount >= 1 else { throw .emptyGrid }
        for (name, value) in [("tile height", tileHeight), ("tile width", tileWidth), ("columns", columns)]
        where value < 1 {
            throw .invalidGridParameter(name: name, value: value)
        }
        guard padding >= 0 else { throw .invalidGridParameter(name: "padding", value: padding) }

        let columns = min(columns, tileCount)
        let rows = (tileCount + columns - 1) / columns
        let tooLarge = ImageError.gridTooLarge(tileCount: tileCount, tileHeight: tileHeight, tileWidth: tileWidth,
                                               columns: columns, padding: padding)
        guard let width = Self.span(cells: columns, cellSize: tileWidth, padding: padding),
              let height = Self.span(cells: rows, cellSize: tileHeight, padding: padding),
              width <= Int(Int32.max), height <= Int(Int32.max),
              width * height <= Self.maximumPixelCount  // both ≤ 2³¹−1, so no overflow
        else { throw tooLarge }

        self.tileCount = tileCount
        self.tileHeight = tileHeight
        self.tileWidth = tileWidth
        self.columns = columns
        self.rows = rows
        self.padding = padding
        self.width = width
        self.height = height
    }

    /// Top-left pixel of tile `index`, or nil if there is no such tile.
    public func origin(ofTile index: Int) -> (x: Int, y: Int)? {
        guard (0..<tileCount).contains(index) else { return nil }
        let x = padding + (index % columns) * (tileWidth + padding)
        let y = padding + (index / columns) * (tileHeight + padding)
        return (x, y)
    }

    /// `cells * cellSize + (cells + 1) * padding`, or nil on overflow.
    private static func span(cells: Int, cellSize: Int, padding: Int) -> Int? {
        let (content, overflow1) = cells.multipliedReportingOverflow(by: cellSize)
        let (gaps, overflow2) = (cells + 1).multipliedReportingOverflow(by: padding)
        let (total, overflow3) = content.addingReportingOverflow(gaps)
        return overflow1 || overflow2 || overflow3 ? nil : total
    }
}
