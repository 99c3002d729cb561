import Rendering
import XCTest

/// Float intensities in [0, 1] become bytes by clamping and rounding to nearest.
final class PixelConversionTests: XCTestCase {
    func testEndpointsAndMidpoint() {
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 0), 0)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 1), 255)
        // 0.5 × 255 = 127.5: halves round away from zero.
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 0.5), 128)
    }

    func testHalvesRoundAwayFromZeroNotToEven() {
        // The Float nearest 2.5 / 255, whose product with 255 is exactly 2.5: banker's rounding
        // would give 2, the documented rule gives 3.
        let intensity = Float(bitPattern: 1_008_771_233)
        XCTAssertEqual(intensity * 255, 2.5)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: intensity), 3)
    }

    func testRoundsToNearestNotDown() {
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 0.4 / 255), 0)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 0.6 / 255), 1)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 100.49 / 255), 100)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 100.51 / 255), 101)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 254.6 / 255), 255)
        for value in 0...255 {
            XCTAssertEqual(PixelConversion.byte(fromIntensity: Float(value) / 255), UInt8(value))
        }
    }

    func testClampsOutOfRangeAndNonFinite() {
        XCTAssertEqual(PixelConversion.byte(fromIntensity: -0.3), 0)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: 1.7), 255)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: .infinity), 255)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: -.infinity), 0)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: .nan), 0)
        XCTAssertEqual(PixelConversion.byte(fromIntensity: -0.0), 0)
    }

    func testImagesFromIntensitiesUseTheConversion() throws {
        let gray = try GrayImage(width: 4, height: 1, intensities: [-1, 0.5, 2, .nan])
        XCTAssertEqual(gray.pixels, [0, 128, 255, 0])
        let rgb = try RGBImage(width: 1, height: 1, intensities: [1, 0, 0.2])
        XCTAssertEqual(rgb.pixels, [255, 0, 51])
    }
}
