import Rendering
import XCTest

/// Grid layout: tile k at grid row k / columns, column k % columns, with padding all round.
final class ImageGridTests: XCTestCase {
    /// `count` tiles of `height × width`, tile k filled with the intensity (k + 1) / 20 so that
    /// every tile's pixels are distinct from the others' and from the padding.
    private func constantTiles(count: Int, height: Int, width: Int) -> [Float] {
        (0..<count).flatMap { k in [Float](repeating: Float(k + 1) / 20, count: height * width) }
    }

    func testLayoutSize() throws {
        let layout = try GridLayout(tileCount: 5, tileHeight: 2, tileWidth: 3, columns: 2, padding: 1)
        XCTAssertEqual(layout.rows, 3)
        XCTAssertEqual(layout.columns, 2)
        XCTAssertEqual(layout.width, 2 * 3 + 3 * 1)
        XCTAssertEqual(layout.height, 3 * 2 + 4 * 1)
    }

    func testLayoutOrigins() throws {
        let layout = try GridLayout(tileCount: 7, tileHeight: 4, tileWidth: 5, columns: 3, padding: 2)
        for k in 0..<7 {
            let origin = try XCTUnwrap(layout.origin(ofTile: k))
            XCTAssertEqual(origin.x, 2 + (k % 3) * (5 + 2), "tile \(k)")
            XCTAssertEqual(origin.y, 2 + (k / 3) * (4 + 2), "tile \(k)")
        }
        XCTAssertNil(layout.origin(ofTile: 7))
        XCTAssertNil(layout.origin(ofTile: -1))
    }

    func testTileKLandsAtRowKOverColumnsAndColumnKModColumns() throws {
        let (count, height, width, columns, padding) = (7, 3, 4, 3, 2)
        let paddingByte = PixelConversion.byte(fromIntensity: 0.9)
        let grid = try ImageGrid.grid(constantTiles(count: count, height: height, width: width),
                                      tileHeight: height, tileWidth: width, columns: columns,
                                      padding: padding, paddingIntensity: 0.9)

        XCTAssertEqual(grid.width, columns * width + (columns + 1) * padding)
        XCTAssertEqual(grid.height, 3 * height + 4 * padding)
        // Work out for every pixel which tile (if any) should cover it, independently of GridLayout.
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let cellX = x - padding, cellY = y - padding
                let column = cellX / (width + padding), row = cellY / (height + padding)
                let insideTile = cellX >= 0 && cellY >= 0
                    && cellX % (width + padding) < width && cellY % (height + padding) < height
                let k = row * columns + column
                let expected = insideTile && k < count
                    ? PixelConversion.byte(fromIntensity: Float(k + 1) / 20) : paddingByte
                XCTAssertEqual(grid.pixel(x: x, y: y), expected, "pixel (\(x), \(y))")
            }
        }
    }

    func testTilePixelsKeepTheirRowMajorOrder() throws {
        // One 2×3 tile with distinct values: each must land at its own (x, y).
        let tile: [Float] = [0, 0.2, 0.4, 0.6, 0.8, 1]
        let grid = try ImageGrid.grid(tile, tileHeight: 2, tileWidth: 3, columns: 1, padding: 1, paddingIntensity: 0)
        XCTAssertEqual(grid.pixels, [
            0, 0, 0, 0, 0,
            0, 0, 51, 102, 0,
            0, 153, 204, 255, 0,
            0, 0, 0, 0, 0,
        ])
    }

    func testColumnsAreCappedAtTileCount() throws {
        let grid = try ImageGrid.grid(constantTiles(count: 2, height: 2, width: 2),
                                      tileHeight: 2, tileWidth: 2, columns: 10, padding: 1)
        XCTAssertEqual(grid.width, 2 * 2 + 3 * 1)
        XCTAssertEqual(grid.height, 2 + 2 * 1)
    }

    func testStripIsOneRowOfAllTiles() throws {
        let tiles = constantTiles(count: 4, height: 3, width: 2)
        let strip = try ImageGrid.strip(tiles, tileHeight: 3, tileWidth: 2, padding: 1)
        XCTAssertEqual(strip, try ImageGrid.grid(tiles, tileHeight: 3, tileWidth: 2, columns: 4, padding: 1))
        XCTAssertEqual(strip.width, 4 * 2 + 5 * 1)
        XCTAssertEqual(strip.height, 3 + 2 * 1)
    }

    func testZeroPaddingAbutsTiles() throws {
        let grid = try ImageGrid.grid([0, 1, 1, 0], tileHeight: 1, tileWidth: 1, columns: 2, padding: 0)
        XCTAssertEqual(grid.width, 2)
        XCTAssertEqual(grid.pixels, [0, 255, 255, 0])
    }

    func testGridEncodesAsPNG() throws {
        let grid = try ImageGrid.grid(constantTiles(count: 10, height: 28, width: 28),
                                      tileHeight: 28, tileWidth: 28, columns: 5)
        XCTAssertEqual(try PNGTestDecoder.decode(grid.pngData()).pixels, grid.pixels)
    }

    func testInvalidRequestsThrowInsteadOfTrapping() {
        func error(_ body: () throws -> GrayImage) -> ImageError? {
            do { _ = try body(); return nil } catch { return error as? ImageError }
        }
        XCTAssertEqual(error { try ImageGrid.grid([], tileHeight: 2, tileWidth: 2, columns: 1) }, .emptyGrid)
        XCTAssertEqual(error { try ImageGrid.grid([0, 0, 0], tileHeight: 2, tileWidth: 2, columns: 1) },
                       .tileValuesMismatch(valueCount: 3, tileHeight: 2, tileWidth: 2))
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: 0, tileWidth: 1, columns: 1) },
                       .invalidGridParameter(name: "tile height", value: 0))
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: 1, tileWidth: 1, columns: 0) },
                       .invalidGridParameter(name: "columns", value: 0))
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: 1, tileWidth: 1, columns: 1, padding: -1) },
                       .invalidGridParameter(name: "padding", value: -1))
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: 1, tileWidth: 1, columns: 1, padding: 1 << 40) },
                       .gridTooLarge(tileCount: 1, tileHeight: 1, tileWidth: 1, columns: 1, padding: 1 << 40))
        // 80,001 × 80,001 fits PNG's limits but is 6.4 GB of pixels.
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: 1, tileWidth: 1, columns: 1, padding: 40_000) },
                       .gridTooLarge(tileCount: 1, tileHeight: 1, tileWidth: 1, columns: 1, padding: 40_000))
        XCTAssertEqual(error { try ImageGrid.grid([0], tileHeight: .max, tileWidth: .max, columns: 1) },
                       .tileValuesMismatch(valueCount: 1, tileHeight: .max, tileWidth: .max))
        XCTAssertEqual(ImageError.invalidGridParameter(name: "padding", value: -1).description,
                       "Image grid padding must be at least 0, got -1.")
        XCTAssertEqual(ImageError.tileValuesMismatch(valueCount: 3, tileHeight: 2, tileWidth: 2).description,
                       "3 values are not a whole number of 2×2 tiles (4 values each).")
    }
}
