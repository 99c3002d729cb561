import Datasets
import XCTest

/// Scaling to a square and centre-cropping: exact where no scaling happens, box averages when
/// shrinking, bilinear when enlarging.
final class ImageResizingTests: XCTestCase {
    func testImageOfTheSizeComesBackUnchanged() throws {
        let image = try ImageFileDecoder.decode(try ImageFixtures.bytes("files/colour.png"))
        XCTAssertEqual(ImageResizing.resizedAndCropped(image, to: 32), image)
    }

    func testCropWithoutScalingCopiesTheCentreColumns() throws {
        let image = try ImageFileDecoder.decode(try ImageFixtures.bytes("files/colour-48x40.png"))
        XCTAssertEqual([image.width, image.height], [48, 40])
        let cropped = ImageResizing.resizedAndCropped(image, to: 40)
        XCTAssertEqual([cropped.width, cropped.height, cropped.channels], [40, 40, 3])
        for row in [0, 17, 39] {
            let source = Array(image.pixels[((row * 48 + 4) * 3)..<((row * 48 + 44) * 3)])
            XCTAssertEqual(Array(cropped.pixels[(row * 40 * 3)..<((row + 1) * 40 * 3)]), source, "row \(row)")
        }
    }

    func testShrinkingAveragesTheAreaEachPixelCovers() {
        // 4×4 grey, values 0…15 row by row; halved, each output is the mean of a 2×2 block.
        let image = DecodedImage(width: 4, height: 4, channels: 1, pixels: (0..<16).map { UInt8($0 * 10) })
        let half = ImageResizing.resizedAndCropped(image, to: 2)
        XCTAssertEqual(half.pixels, [25, 45, 105, 125])
        // A wide 8×4 image keeps its centre 4×4 (columns 2…5), then halves.
        let wide = DecodedImage(width: 8, height: 4, channels: 1, pixels: (0..<32).map { UInt8($0) })
        // Means 6.5, 8.5, 22.5 and 24.5, rounded half away from zero.
        XCTAssertEqual(ImageResizing.resizedAndCropped(wide, to: 2).pixels, [7, 9, 23, 25])
        // Shrinking by a non-integer factor: 3 → 2 gives weights 2/3, 1/3 and 1/3, 2/3.
        let three = DecodedImage(width: 3, height: 3, channels: 1, pixels: [0, 90, 180, 0, 90, 180, 0, 90, 180])
        XCTAssertEqual(ImageResizing.resizedAndCropped(three, to: 2).pixels, [30, 150, 30, 150])
    }

    func testEnlargingInterpolatesBilinearly() {
        let image = DecodedImage(width: 2, height: 2, channels: 3, pixels: [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255])
        let large = ImageResizing.resizedAndCropped(image, to: 4)
        let firstRowRed = (0..<4).map { large.pixels[$0 * 3] }
        XCTAssertEqual(firstRowRed, [0, 64, 191, 255])
    }
}
