/// Tiles many small images into one, for looking at a batch of samples at once: grey tiles into a
/// ``GrayImage``, colour tiles (R, G, B planes, as a model holds them) into an ``RGBImage``.
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
        let (layout, pixels) = try layOut(tiles, channels: 1, tileHeight: tileHeight, tileWidth: tileWidth, columns: columns,
                                          padding: padding, paddingIntensity: paddingIntensity)
        return try GrayImage(width: layout.width, height: layout.height, pixels: pixels)
    }

    /// Places colour tiles into a grid, as ``grid(_:tileHeight:tileWidth:columns:padding:paddingIntensity:)``
    /// does grey ones.
    ///
    /// - Parameter tiles: intensities in [0, 1], tile after tile, each 3 × `tileHeight` ×
    ///   `tileWidth`: the red plane, then green, then blue, each row-major (C×H×W).
    /// - Throws: as `grid`, with 3 × tileHeight × tileWidth values per tile.
    public static func colourGrid(_ tiles: [Float], tileHeight: Int, tileWidth: Int, columns: Int,
                                  padding: Int = 2, paddingIntensity: Float = 0.5) throws(ImageError) -> RGBImage {
        let (layout, pixels) = try layOut(tiles, channels: 3, tileHeight: tileHeight, tileWidth: tileWidth, columns: columns,
                                          padding: padding, paddingIntensity: paddingIntensity)
        return try RGBImage(width: layout.width, height: layout.height, pixels: pixels)
    }

    /// A grid of grey tiles (`channels` 1) or colour tiles (`channels` 3, C×H×W each).
    ///
    /// - Throws: `ImageError.invalidGridParameter` for other channel counts; else as `grid`.
    public static func picture(_ tiles: [Float], channels: Int, tileHeight: Int, tileWidth: Int, columns: Int,
                               padding: Int = 2, paddingIntensity: Float = 0.5) throws(ImageError) -> any PNGWritable {
        switch channels {
        case 1: try grid(tiles, tileHeight: tileHeight, tileWidth: tileWidth, columns: columns, padding: padding, paddingIntensity: paddingIntensity)
        case 3: try colourGrid(tiles, tileHeight: tileHeight, tileWidth: tileWidth, columns: columns, padding: padding, paddingIntensity: paddingIntensity)
        default: throw .invalidGridParameter(name: "channel count (1 or 3)", value: channels)
        }
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

    /// The grid's layout and its bytes, `channels` interleaved per pixel, from tiles of
    /// `channels` planes each.
    private static func layOut(_ tiles: [Float], channels: Int, tileHeight: Int, tileWidth: Int, columns: Int,
                               padding: Int, paddingIntensity: Float) throws(ImageError) -> (GridLayout, [UInt8]) {
        // GridLayout checks these too, but the tile count is needed first and must not divide by 0.
        guard tileHeight >= 1 else { throw .invalidGridParameter(name: "tile height", value: tileHeight) }
        guard tileWidth >= 1 else { throw .invalidGridParameter(name: "tile width", value: tileWidth) }
        let (planeSize, overflow) = tileHeight.multipliedReportingOverflow(by: tileWidth)
        let (tileSize, channelOverflow) = planeSize.multipliedReportingOverflow(by: channels)
        guard !overflow, !channelOverflow, tiles.count % tileSize == 0 else {
            throw .tileValuesMismatch(valueCount: tiles.count / channels, tileHeight: tileHeight, tileWidth: tileWidth)
        }
        let layout = try GridLayout(tileCount: tiles.count / tileSize, tileHeight: tileHeight,
                                    tileWidth: tileWidth, columns: columns, padding: padding)

        var pixels = [UInt8](repeating: PixelConversion.byte(fromIntensity: paddingIntensity),
                             count: layout.width * layout.height * channels)
        for index in 0..<layout.tileCount {
            guard let (x, y) = layout.origin(ofTile: index) else { continue }
            let tileStart = index * tileSize
            for channel in 0..<channels {
                let planeStart = tileStart + channel * planeSize
                for row in 0..<tileHeight {
                    let source = planeStart + row * tileWidth
                    let destination = (y + row) * layout.width + x
                    for column in 0..<tileWidth {
                        pixels[(destination + column) * channels + channel] = PixelConversion.byte(fromIntensity: tiles[source + column])
                    }
                }
            }
        }
        return (layout, pixels)
    }
}
