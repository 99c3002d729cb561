import Foundation
import Rendering
import XCTest

/// The PNG bytes: structure, CRCs, and pixels that decode back unchanged.
final class PNGEncoderTests: XCTestCase {
    func testStartsWithSignatureAndHasIHDRThenIDATThenIEND() throws {
        let image = try GrayImage(width: 3, height: 2, pixels: [0, 1, 2, 3, 4, 5])
        let decoded = try PNGTestDecoder.decode(image.pngData())
        XCTAssertEqual(decoded.chunkTypes, ["IHDR", "IDAT", "IEND"])
    }

    func testIHDRBytesAndCRC() throws {
        let png = [UInt8](try GrayImage(width: 3, height: 2, pixels: [UInt8](repeating: 9, count: 6)).pngData())
        // Length 13, "IHDR", width 3, height 2, depth 8, colour type 0, compression/filter/interlace 0.
        let expectedIHDR: [UInt8] = [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 3, 0, 0, 0, 2, 8, 0, 0, 0, 0]
        XCTAssertEqual(Array(png[8..<29]), expectedIHDR)
        // CRC from Python: zlib.crc32(b'IHDR' + struct.pack('>IIBBBBB', 3, 2, 8, 0, 0, 0, 0)).
        XCTAssertEqual(PNGTestDecoder.readUInt32(png, at: 29), 0xB81F_39C6)
        // The IEND chunk of every PNG is the same 12 bytes, CRC AE 42 60 82.
        XCTAssertEqual(Array(png.suffix(12)), [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    func testRGBHeaderCRC() throws {
        let image = try RGBImage(width: 28, height: 28, pixels: [UInt8](repeating: 0, count: 28 * 28 * 3))
        let png = [UInt8](image.pngData())
        XCTAssertEqual(png[25], 2, "colour type 2 is truecolour")
        // zlib.crc32(b'IHDR' + struct.pack('>IIBBBBB', 28, 28, 8, 2, 0, 0, 0)).
        XCTAssertEqual(PNGTestDecoder.readUInt32(png, at: 29), 0xFD6F_48C3)
    }

    func testGrayDecodesBackEqual() throws {
        let pixels = (0..<(37 * 23)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let image = try GrayImage(width: 37, height: 23, pixels: pixels)

        let decoded = try PNGTestDecoder.decode(image.pngData())

        XCTAssertEqual(decoded.width, 37)
        XCTAssertEqual(decoded.height, 23)
        XCTAssertEqual(decoded.colorType, 0)
        XCTAssertEqual(decoded.pixels, pixels)
    }

    func testRGBDecodesBackEqual() throws {
        let pixels = (0..<(19 * 11 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
        let image = try RGBImage(width: 19, height: 11, pixels: pixels)

        let decoded = try PNGTestDecoder.decode(image.pngData())

        XCTAssertEqual(decoded.width, 19)
        XCTAssertEqual(decoded.height, 11)
        XCTAssertEqual(decoded.colorType, 2)
        XCTAssertEqual(decoded.pixels, pixels)
    }

    func testSinglePixelImages() throws {
        let gray = try GrayImage(width: 1, height: 1, pixels: [200])
        let rgb = try RGBImage(width: 1, height: 1, pixels: [1, 2, 3])
        XCTAssertEqual(try PNGTestDecoder.decode(gray.pngData()).pixels, [200])
        XCTAssertEqual(try PNGTestDecoder.decode(rgb.pngData()).pixels, [1, 2, 3])
    }

    func testLargeNoisyImageDecodesBack() throws {
        // Pseudo-random bytes barely compress, exercising compressBound's worst case.
        var state: UInt32 = 12345
        let pixels = (0..<(512 * 300 * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(state >> 24)
        }
        let image = try RGBImage(width: 512, height: 300, pixels: pixels)
        XCTAssertEqual(try PNGTestDecoder.decode(image.pngData()).pixels, pixels)
    }
}
