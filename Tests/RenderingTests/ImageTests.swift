import Foundation
import Rendering
import XCTest

/// Making images, reading pixels back, and writing PNG files.
final class ImageTests: XCTestCase {
    func testRejectsWrongPixelCount() {
        XCTAssertThrowsError(try GrayImage(width: 4, height: 3, pixels: [UInt8](repeating: 0, count: 11))) { error in
            XCTAssertEqual(error as? ImageError, .pixelCountMismatch(width: 4, height: 3, channels: 1, found: 11))
            XCTAssertEqual("\(error)", "A 4×3 greyscale image needs 12 pixel values, but 11 were given.")
        }
        XCTAssertThrowsError(try RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 0, count: 4))) { error in
            XCTAssertEqual("\(error)", "A 2×2 RGB image needs 12 pixel values, but 4 were given.")
        }
    }

    func testRejectsSizesPNGCannotHold() {
        for (width, height) in [(0, 5), (5, 0), (-1, 3), (Int(Int32.max) + 1, 1)] {
            XCTAssertThrowsError(try GrayImage(width: width, height: height, pixels: [])) { error in
                XCTAssertEqual(error as? ImageError, .invalidSize(width: width, height: height))
            }
        }
        // Dimensions whose product overflows must be an error, not a trap.
        XCTAssertThrowsError(try RGBImage(width: Int(Int32.max), height: Int(Int32.max), pixels: [1, 2, 3]))
    }

    func testPixelAccess() throws {
        let gray = try GrayImage(width: 3, height: 2, pixels: [0, 1, 2, 10, 11, 12])
        XCTAssertEqual(gray.pixel(x: 2, y: 1), 12)
        XCTAssertEqual(gray.pixel(x: 0, y: 1), 10)
        XCTAssertNil(gray.pixel(x: 3, y: 0))
        XCTAssertNil(gray.pixel(x: 0, y: -1))

        let rgb = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(rgb.pixel(x: 1, y: 0).map { [$0.red, $0.green, $0.blue] }, [4, 5, 6])
        XCTAssertNil(rgb.pixel(x: 2, y: 0))
    }

    func testRGBFromGrayCopiesEachValueToAllChannels() throws {
        let rgb = RGBImage(try GrayImage(width: 2, height: 1, pixels: [7, 200]))
        XCTAssertEqual(rgb.pixels, [7, 7, 7, 200, 200, 200])
    }

    func testWriteCreatesPNGAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("sample.png")
        let image = try GrayImage(width: 2, height: 2, pixels: [0, 64, 128, 255])

        try image.write(to: url)

        XCTAssertEqual(try Data(contentsOf: url), image.pngData())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["sample.png"])
    }

    func testWriteReplacesExistingFile() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("sample.png")
        try Data("old".utf8).write(to: url)
        let image = try RGBImage(width: 1, height: 1, pixels: [9, 8, 7])

        try image.write(to: url)

        XCTAssertEqual(try PNGTestDecoder.decode(Data(contentsOf: url)).pixels, [9, 8, 7])
    }

    func testWriteIntoMissingDirectoryNamesFileAndReason() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("absent/sample.png")
        let image = try GrayImage(width: 1, height: 1, pixels: [0])

        XCTAssertThrowsError(try image.write(to: url)) { error in
            XCTAssertEqual(error as? ImageError, .writeFailed(path: url.path, reason: "No such file or directory"))
            XCTAssertEqual("\(error)", "Could not write PNG file \(url.path) (No such file or directory).")
        }
    }
}

extension XCTestCase {
    /// A fresh empty directory, deleted when the test ends.
    func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-rendering-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
