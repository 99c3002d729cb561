import Datasets
import Foundation
import XCTest

/// PNG and JPEG files decoded by libpng and libjpeg-turbo, against record 0 of the CIFAR excerpt
/// they were made from.
final class ImageFileDecoderTests: XCTestCase {
    private func decode(_ name: String) throws -> DecodedImage {
        try ImageFileDecoder.decode(try ImageFixtures.bytes("files/\(name)"))
    }

    func testColourPNGDecodesExactly() throws {
        let image = try decode("colour.png")
        XCTAssertEqual([image.width, image.height, image.channels], [32, 32, 3])
        XCTAssertEqual(image.planes, try ImageFixtures.cifarRecord(0).planes)
        XCTAssertFalse(image.isGrey)
    }

    func testGreyPNGIsOneChannelAndSixteenBitScalesToTheSameLevels() throws {
        let grey = try decode("grey.png")
        XCTAssertEqual([grey.width, grey.height, grey.channels], [32, 32, 1])
        XCTAssertTrue(grey.isGrey)
        // grey16.png holds v·257 for each level v of grey.png: scaled to 8 bits it is v again.
        XCTAssertEqual(try decode("grey16.png"), grey)
    }

    func testPaletteAndAlphaPNGsBecomeRGB() throws {
        let palette = try decode("palette.png")
        XCTAssertEqual([palette.width, palette.height, palette.channels], [32, 32, 3])
        let colours = Set(stride(from: 0, to: palette.pixels.count, by: 3).map { Array(palette.pixels[$0..<($0 + 3)]) })
        XCTAssertLessThanOrEqual(colours.count, 16)
        XCTAssertGreaterThan(colours.count, 1)
        // The alpha channel (all opaque) is dropped and the colours are as in colour.png.
        XCTAssertEqual(try decode("rgba.png"), try decode("colour.png"))
    }

    func testJPEGsDecodeCloseToTheirSource() throws {
        let colour = try decode("colour.jpg")
        XCTAssertEqual([colour.width, colour.height, colour.channels], [32, 32, 3])
        XCTAssertLessThan(meanAbsoluteDifference(colour.planes, try ImageFixtures.cifarRecord(0).planes), 4)
        let grey = try decode("grey.jpg")
        XCTAssertEqual([grey.width, grey.height, grey.channels], [32, 32, 1])
        XCTAssertLessThan(meanAbsoluteDifference(grey.pixels, try decode("grey.png").pixels), 3)
    }

    func testGreyImagesCanBeExpandedToRGB() throws {
        let grey = try decode("grey.png")
        let rgb = grey.withChannels(3)
        XCTAssertEqual(rgb.channels, 3)
        XCTAssertTrue(rgb.isGrey)
        XCTAssertEqual(Array(rgb.pixels.prefix(6)), [grey.pixels[0], grey.pixels[0], grey.pixels[0], grey.pixels[1], grey.pixels[1], grey.pixels[1]])
        XCTAssertEqual(rgb.withChannels(1), grey)
    }

    func testTruncatedAndForeignBytesAreErrorsNotCrashes() throws {
        for name in ["colour.png", "colour.jpg"] {
            let bytes = try ImageFixtures.bytes("files/\(name)")
            for length in [10, bytes.count / 2, bytes.count - 3] {
                XCTAssertThrowsError(try ImageFileDecoder.decode(bytes.prefix(length)), "\(name) cut to \(length) bytes") { error in
                    guard case .undecodable = error as? ImageDecodingError else { return XCTFail("\(error)") }
                }
            }
        }
        XCTAssertEqual(assertThrows(ImageDecodingError.self) { try ImageFileDecoder.decode(Data("hello".utf8)) }, .unknownFormat)
        XCTAssertEqual(assertThrows(ImageDecodingError.self) { try ImageFileDecoder.decode(Data()) }, .unknownFormat)
    }

    private func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        XCTAssertEqual(a.count, b.count)
        return zip(a, b).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(a.count)
    }
}
