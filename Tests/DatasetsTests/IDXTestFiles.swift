import CZlib
import Foundation
import XCTest

/// Builders for small IDX files written by the tests themselves, raw or gzip-compressed.
enum IDXTestFiles {
    /// The bytes of an IDX file: magic `00 00 type rank`, big-endian sizes, then `data`.
    static func bytes(type: UInt8 = 0x08, dimensions: [Int], data: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, type, UInt8(dimensions.count)]
        for size in dimensions {
            let size = UInt32(size)
            bytes += [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
        }
        return bytes + data
    }

    /// Writes `bytes` unchanged.
    static func writeRaw(_ bytes: [UInt8], to url: URL) throws {
        try Data(bytes).write(to: url)
    }

    /// Writes `bytes` gzip-compressed with zlib's gzopen/gzwrite, the format of the `.gz`
    /// files the MNIST sites and Debian distribute.
    static func writeGzip(_ bytes: [UInt8], to url: URL) throws {
        guard let file = gzopen(url.path, "wb") else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let written = bytes.withUnsafeBytes { buffer in
            buffer.isEmpty ? 0 : gzwrite(file, buffer.baseAddress, UInt32(buffer.count))
        }
        let closed = gzclose(file)
        guard written == Int32(bytes.count), closed == Z_OK else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    /// A 3-image, 2×4 stack whose every pixel is distinct, so any mix-up of order shows.
    static let sampleImagePixels: [UInt8] = (0..<24).map { UInt8($0 * 10 + 3) }
    static let sampleImages = bytes(dimensions: [3, 2, 4], data: sampleImagePixels)
    static let sampleLabels = bytes(dimensions: [3], data: [7, 0, 9])
}

extension XCTestCase {
    /// A fresh empty directory, deleted when the test ends.
    func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("latent-datasets-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Runs `body`, requires it to throw an `E`, and returns that error for inspection.
    func assertThrows<E: Error, T>(_ type: E.Type, file: StaticString = #filePath, line: UInt = #line,
                                   _ body: () throws -> T) -> E? {
        do {
            let value = try body()
            XCTFail("expected \(E.self), got \(value)", file: file, line: line)
        } catch let error as E {
            return error
        } catch {
            XCTFail("expected \(E.self), got \(error)", file: file, line: line)
        }
        return nil
    }
}
