import Rendering
import XCTest

/// Grids of colour tiles laid out from R, G, B planes, and the grey/colour choice.
final class ColourImageGridTests: XCTestCase {
    /// Two 1×2 tiles: the first red then green, the second blue then white, as C×H×W planes.
    private let tiles: [Float] = [
        1, 0, /* G */ 0, 1, /* B */ 0, 0,
        0, 1, /* G */ 0, 1, /* B */ 1, 1,
    ]

    func testColourTilesLandInterleavedAtTheirPlaces() throws {
        let image = try ImageGrid.colourGrid(tiles, tileHeight: 1, tileWidth: 2, columns: 2, padding: 1, paddingIntensity: 0)
        XCTAssertEqual([image.width, image.height], [1 + 2 * (2 + 1), 1 + 1 + 1])   // padding between and around tiles
        XCTAssertTrue(image.pixel(x: 1, y: 1)! == (255, 0, 0))
        XCTAssertTrue(image.pixel(x: 2, y: 1)! == (0, 255, 0))
        XCTAssertTrue(image.pixel(x: 4, y: 1)! == (0, 0, 255))
        XCTAssertTrue(image.pixel(x: 5, y: 1)! == (255, 255, 255))
        XCTAssertTrue(image.pixel(x: 0, y: 0)! == (0, 0, 0))
    }

    func testPictureIsGreyForOneChannelAndColourForThree() throws {
        let grey = try ImageGrid.picture(Array(tiles.prefix(4)), channels: 1, tileHeight: 1, tileWidth: 2, columns: 2)
        XCTAssertEqual(grey as? GrayImage, try ImageGrid.grid(Array(tiles.prefix(4)), tileHeight: 1, tileWidth: 2, columns: 2))
        let colour = try ImageGrid.picture(tiles, channels: 3, tileHeight: 1, tileWidth: 2, columns: 2)
        XCTAssertEqual(colour as? RGBImage, try ImageGrid.colourGrid(tiles, tileHeight: 1, tileWidth: 2, columns: 2))
        XCTAssertThrowsError(try ImageGrid.picture(tiles, channels: 2, tileHeight: 1, tileWidth: 2, columns: 2))
        XCTAssertThrowsError(try ImageGrid.colourGrid(Array(tiles.prefix(5)), tileHeight: 1, tileWidth: 2, columns: 2))
    }
}
