/// Tiles many small greyscale images into one, for looking at a batch of samples at once.
public enum ImageGrid {
    /// Places the tiles in `tiles` into a grid with `columns` tiles per row.
    ///
    /// - Parameters:
    ///   - tiles: intensities in [0, 1], tile after tile, each `tileHeight × tileWidth`
    ///     row-major; values outside are clamped, as for `GrayImage(width:height:intensities:)`.
    ///   - columns: tiles per row (fewer if there are fewer tiles); see `GridLayout`.
    ///   - padding: pixels around every tile.
    ///   - paddingIntensity: grey level of the padding in [0, 1]. The default mid-grey stands out
    ///     from both black backgrounds (MNIST digits) and white ones.
    /// - Throws: `ImageError` if `tiles` is empty or not a whole number of tiles, or the layout
    ///   is invalid (see `GridLayout`).
    public static func grid(_ tiles: [Float], tileHeight: Int, tileWidth: Int, columns: Int,
                            padding: Int = 2, paddingIntensity: Float = 0.5) throws(ImageError) -> GrayImage {
        // GridLayout checks these too, but the tile count is needed first and must not divide by 0.
        guard tileHeight >= 1 else { throw .invalidGridParameter(name: "tile height", value: tileHeight) }
        guard tileWidth >= 1 else { throw .invalidGridParameter(name: "tile width", value: tileWidth) }
        let (tileSize, overflow) = tileHeight.multipliedReportingOverflow(by: tileWidth)
        guard !overflow, tiles.count % tileSize == 0 else {
            throw .tileValuesMismatch(valueCount: tiles.count, tileHeight: tileHeight, tileWidth: tileWidth)
        }
        let layout = try GridLayout(tileCount: tiles.count / tileSize, tileHeight: tileHeight,
                                    tileWidth: tileWidth, columns: columns, padding: padding)

        var pixels = [UInt8](repeating: PixelConversion.byte(fromIntensity: paddingIntensity),
                             count: layout.width * layout.height)
        for index in 0..<layout.tileCount {
            guard let (x, y) = layout.origin(ofTile: index) else { continue }
            let tileStart = index * tileSize
            for row in 0..<tileHeight {
                let source = tileStart + row * tileWidth
                let destination = (y + row) * layout.width + x
                for column in 0..<tileWidth {
                    pixels[destination + column] = PixelConversion.byte(fromIntensity: tiles[source + column])
                }
            }
        }
        return try GrayImage(width: layout.width, height: layout.height, pixels: pixels)
    }

    /// Places all tiles side by side in one row: `grid` with as many columns as tiles.
    ///
    /// - Throws: as `grid(_:tileHeight:tileWidth:columns:padding:paddingIntensity:)`.
    public static func strip(_ tiles: [Float], tileHeight: Int, tileWidth: Int,
                             padding: Int = 2, paddingIntensity: Float = 0.5) throws(ImageError) -> GrayImage {
        // GridLayout caps columns at the tile count, so Int.max means "all in one row".
        try grid(tiles, tileHeight: tileHeight, tileWidth: tileWidth, columns: .max,
                 padding: padding, paddingIntensity: paddingIntensity)
    }
}
