import Datasets
import XCTest

/// ImageSet's channels: grey as before, colour as C×H×W planes, 8-bit levels kept exactly.
final class ImageSetChannelsTests: XCTestCase {
    func testEveryLevelRoundTripsExactly() {
        let levels = (0...255).map(UInt8.init) + (0...255).reversed().map(UInt8.init) + [0, 255, 128, 1, 254, 7, 3, 250, 100, 200]
        let images = ImageSet(levels: levels, labels: [0, 1, 2], channels: 3, rows: 2, columns: 29)
        XCTAssertEqual(images.levels, levels)
        XCTAssertEqual(images.intensities[1], Float(1) / 255)
        XCTAssertEqual(images.dimension, 3 * 2 * 29)
        XCTAssertEqual(images.planeSize, 58)
        XCTAssertTrue(images.isColour)
    }

    func testGreyIsTheDefaultAndSubsetsKeepTheChannels() {
        let grey = ImageSet(intensities: [0, 1, 0.5, 0.25], labels: [3, 4], rows: 1, columns: 2)
        XCTAssertEqual(grey.channels, 1)
        XCTAssertEqual(grey.dimension, 2)
        XCTAssertFalse(grey.isColour)

        let colour = ImageSet(levels: (0..<24).map(UInt8.init), labels: [0, 1], channels: 3, rows: 2, columns: 2)
        let second = colour.subset([1])
        XCTAssertEqual(second.channels, 3)
        XCTAssertEqual(second.levels, (12..<24).map(UInt8.init))
        XCTAssertEqual(colour.tensor([1]).shape, [1, 12])
        XCTAssertEqual(colour.thresholded(at: 0.5).channels, 3)
        XCTAssertEqual(colour.binarized(seed: 1).channels, 3)
        XCTAssertNil(colour.appending(grey))
        XCTAssertEqual(colour.appending(colour)?.count, 4)
    }
}
