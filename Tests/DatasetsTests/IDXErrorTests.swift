import Datasets
import Foundation
import XCTest

/// Each way an IDX file can be wrong gives its own error, whose message names the file.
final class IDXErrorTests: XCTestCase {
    /// Writes `bytes` raw into a fresh directory and returns the file's URL.
    private func rawFile(_ bytes: [UInt8], name: String = "file-idx3-ubyte") throws -> URL {
        let url = try makeTemporaryDirectory().appendingPathComponent(name)
        try IDXTestFiles.writeRaw(bytes, to: url)
        return url
    }

    /// Checks the message is one sentence that names the file and contains `phrases`.
    private func assertMessage(_ error: IDXError?, path: String, contains phrases: [String],
                               file: StaticString = #filePath, line: UInt = #line) {
        guard let error else { return }
        let message = error.description
        XCTAssertEqual(error.path, path, file: file, line: line)
        XCTAssertTrue(message.contains(path), "message lacks the path: \(message)", file: file, line: line)
        XCTAssertTrue(message.hasSuffix("."), "not a sentence: \(message)", file: file, line: line)
        for phrase in phrases {
            XCTAssertTrue(message.contains(phrase), "message lacks “\(phrase)”: \(message)", file: file, line: line)
        }
    }

    func testMissingFile() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("absent-idx3-ubyte")
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .fileNotFound(path: url.path))
        assertMessage(error, path: url.path, contains: ["does not exist"])
    }

    func testDirectoryIsUnreadable() throws {
        let url = try makeTemporaryDirectory()
        let error = assertThrows(IDXError.self) { try IDX.readLabels(at: url) }
        XCTAssertEqual(error, .unreadable(path: url.path, reason: "it is a directory"))
        assertMessage(error, path: url.path, contains: ["could not be read", "directory"])
    }

    func testWrongMagicSaysWhatWasFound() throws {
        // An HTML error page saved in place of a download.
        let url = try rawFile(Array("<!DOCTYPE html>".utf8))
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .notIDX(path: url.path, found: Array("<!DO".utf8)))
        assertMessage(error, path: url.path, contains: ["not an IDX file", "3c 21 44 4f", "\"<!DO\""])
    }

    func testUnknownTypeCodeIsNotIDX() throws {
        let url = try rawFile(IDXTestFiles.bytes(type: 0x07, dimensions: [1], data: [0]))
        let error = assertThrows(IDXError.self) { try IDX.readLabels(at: url) }
        XCTAssertEqual(error, .notIDX(path: url.path, found: [0, 0, 7, 1]))
        assertMessage(error, path: url.path, contains: ["not an IDX file", "00 00 07 01"])
    }

    func testUnsupportedElementType() throws {
        let url = try rawFile(IDXTestFiles.bytes(type: 0x0D, dimensions: [1, 1, 1], data: [0, 0, 0, 0]))
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .unsupportedElementType(path: url.path, type: .float32))
        assertMessage(error, path: url.path, contains: ["32-bit floats (type 0x0D)", "unsigned bytes (type 0x08)"])
    }

    func testImagesNeedThreeDimensions() throws {
        let url = try rawFile(IDXTestFiles.sampleLabels)
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .wrongDimensionCount(path: url.path, content: .images, found: 1))
        assertMessage(error, path: url.path, contains: ["has 1 dimension,", "images need 3 (count, rows, columns)"])
    }

    func testLabelsNeedOneDimension() throws {
        let url = try rawFile(IDXTestFiles.sampleImages)
        let error = assertThrows(IDXError.self) { try IDX.readLabels(at: url) }
        XCTAssertEqual(error, .wrongDimensionCount(path: url.path, content: .labels, found: 3))
        assertMessage(error, path: url.path, contains: ["has 3 dimensions", "labels need 1 (count)"])
    }

    func testTruncatedHeader() throws {
        // Magic and two of the three dimension sizes.
        let url = try rawFile(Array(IDXTestFiles.sampleImages.prefix(12)))
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .truncatedHeader(path: url.path, expectedBytes: 16, foundBytes: 12))
        assertMessage(error, path: url.path, contains: ["truncated", "needs 16 bytes", "only 12"])
    }

    func testEmptyFileIsTruncatedHeader() throws {
        let url = try rawFile([])
        let error = assertThrows(IDXError.self) { try IDX.readLabels(at: url) }
        XCTAssertEqual(error, .truncatedHeader(path: url.path, expectedBytes: 4, foundBytes: 0))
        assertMessage(error, path: url.path, contains: ["is empty"])
    }

    func testTruncatedDataRawAndGzipped() throws {
        let cut = Array(IDXTestFiles.sampleImages.dropLast(5))
        let directory = try makeTemporaryDirectory()
        let raw = directory.appendingPathComponent("cut-idx3-ubyte")
        let gzipped = directory.appendingPathComponent("cut-idx3-ubyte.gz")
        try IDXTestFiles.writeRaw(cut, to: raw)
        try IDXTestFiles.writeGzip(cut, to: gzipped)

        for url in [raw, gzipped] {
            let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
            XCTAssertEqual(error, .truncated(path: url.path, expectedBytes: 24, foundBytes: 19))
            assertMessage(error, path: url.path, contains: ["expected 24 bytes of data, found 19"])
        }
    }

    func testTrailingGarbageRawAndGzipped() throws {
        let padded = IDXTestFiles.sampleLabels + [1, 2, 3, 4, 5]
        let directory = try makeTemporaryDirectory()
        let raw = directory.appendingPathComponent("long-idx1-ubyte")
        let gzipped = directory.appendingPathComponent("long-idx1-ubyte.gz")
        try IDXTestFiles.writeRaw(padded, to: raw)
        try IDXTestFiles.writeGzip(padded, to: gzipped)

        for url in [raw, gzipped] {
            let error = assertThrows(IDXError.self) { try IDX.readLabels(at: url) }
            XCTAssertEqual(error, .trailingData(path: url.path, dataBytes: 3, extraBytes: 5))
            assertMessage(error, path: url.path, contains: ["5 bytes of trailing garbage", "3 bytes of data"])
        }
    }

    func testDimensionsTooLargeForMemory() throws {
        // 4294967295³ values overflow Int; the reader must say so rather than trap.
        let url = try rawFile([0, 0, 8, 3] + [UInt8](repeating: 0xFF, count: 12))
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .tooLarge(path: url.path, dimensions: [4_294_967_295, 4_294_967_295, 4_294_967_295]))
        assertMessage(error, path: url.path, contains: ["4294967295 × 4294967295 × 4294967295"])
    }

    func testHugeDeclaredSizeWithShortFileIsTruncatedNotACrash() throws {
        // 65535³ ≈ 2.8e14 bytes fits in Int but not in memory; only the 3 real bytes are held.
        let url = try rawFile([0, 0, 8, 3, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 1, 2, 3])
        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        XCTAssertEqual(error, .truncated(path: url.path, expectedBytes: 65535 * 65535 * 65535, foundBytes: 3))
    }

    func testCorruptGzipStream() throws {
        let directory = try makeTemporaryDirectory()
        let url = directory.appendingPathComponent("corrupt-idx3-ubyte.gz")
        try IDXTestFiles.writeGzip(IDXTestFiles.sampleImages, to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        // Damage the compressed body (after the 10-byte gzip header, before the 8-byte trailer).
        for index in 12..<(bytes.count - 10) { bytes[index] ^= 0x5A }
        try IDXTestFiles.writeRaw(bytes, to: url)

        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        guard case .corruptGzip(let path, let reason)? = error else {
            return XCTFail("expected corruptGzip, got \(String(describing: error))")
        }
        XCTAssertEqual(path, url.path)
        XCTAssertFalse(reason.isEmpty)
        // zlib prefixes its messages with the path; the error names the path once, not twice.
        XCTAssertFalse(reason.contains(url.path), reason)
        assertMessage(error, path: url.path, contains: ["gzip stream", "corrupt", "zlib:"])
    }

    func testCutShortGzipStream() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("cut-idx3-ubyte.gz")
        let pixels = (0..<4000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try IDXTestFiles.writeGzip(IDXTestFiles.bytes(dimensions: [1, 40, 100], data: pixels), to: url)
        let bytes = [UInt8](try Data(contentsOf: url))
        try IDXTestFiles.writeRaw(Array(bytes.prefix(bytes.count / 2)), to: url)

        let error = assertThrows(IDXError.self) { try IDX.readImages(at: url) }
        guard case .corruptGzip(_, let reason)? = error else {
            return XCTFail("expected corruptGzip, got \(String(describing: error))")
        }
        XCTAssertTrue(reason.contains("cut short"), reason)
    }
}
