import Datasets
import Foundation
import XCTest

/// Reading well-formed IDX files, raw and gzip-compressed.
final class IDXReadTests: XCTestCase {
    func testReadsRawImages() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("images-idx3-ubyte")
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleImages, to: url)

        let images = try IDX.readImages(at: url)

        XCTAssertEqual(images.count, 3)
        XCTAssertEqual(images.rows, 2)
        XCTAssertEqual(images.columns, 4)
        XCTAssertEqual(images.pixels, IDXTestFiles.sampleImagePixels)
        XCTAssertEqual(images.image(at: 1).map(Array.init), Array(IDXTestFiles.sampleImagePixels[8..<16]))
        XCTAssertNil(images.image(at: 3))
    }

    func testReadsGzippedImagesIdenticallyToRaw() throws {
        let directory = try makeTemporaryDirectory()
        let raw = directory.appendingPathComponent("images-idx3-ubyte")
        let gzipped = directory.appendingPathComponent("images-idx3-ubyte.gz")
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleImages, to: raw)
        try IDXTestFiles.writeGzip(IDXTestFiles.sampleImages, to: gzipped)
        // Make sure the test really exercises decompression: the file must differ from the raw one.
        XCTAssertEqual(Array(try Data(contentsOf: gzipped).prefix(2)), [0x1F, 0x8B])

        XCTAssertEqual(try IDX.readImages(at: gzipped), try IDX.readImages(at: raw))
    }

    func testReadsRawAndGzippedLabels() throws {
        let directory = try makeTemporaryDirectory()
        let raw = directory.appendingPathComponent("labels-idx1-ubyte")
        let gzipped = directory.appendingPathComponent("labels-idx1-ubyte.gz")
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleLabels, to: raw)
        try IDXTestFiles.writeGzip(IDXTestFiles.sampleLabels, to: gzipped)

        XCTAssertEqual(try IDX.readLabels(at: raw).labels, [7, 0, 9])
        XCTAssertEqual(try IDX.readLabels(at: gzipped).labels, [7, 0, 9])
    }

    func testDetectsGzipByContentNotByName() throws {
        let directory = try makeTemporaryDirectory()
        // A raw file that pretends to be gzip, and a gzip file without the suffix.
        let rawNamedGz = directory.appendingPathComponent("raw.gz")
        let gzipNamedRaw = directory.appendingPathComponent("compressed-idx1-ubyte")
        try IDXTestFiles.writeRaw(IDXTestFiles.sampleLabels, to: rawNamedGz)
        try IDXTestFiles.writeGzip(IDXTestFiles.sampleLabels, to: gzipNamedRaw)

        XCTAssertEqual(try IDX.readLabels(at: rawNamedGz).labels, [7, 0, 9])
        XCTAssertEqual(try IDX.readLabels(at: gzipNamedRaw).labels, [7, 0, 9])
    }

    func testReadsEmptyStack() throws {
        let url = try makeTemporaryDirectory().appendingPathComponent("empty-idx3-ubyte.gz")
        try IDXTestFiles.writeGzip(IDXTestFiles.bytes(dimensions: [0, 28, 28], data: []), to: url)

        let images = try IDX.readImages(at: url)

        XCTAssertEqual(images.count, 0)
        XCTAssertEqual(images.rows, 28)
        XCTAssertEqual(images.pixels, [])
    }

    func testReadsLargerThanOneReadChunk() throws {
        // 3 MB spans several 1 MiB gzread chunks, so chunk boundaries are exercised.
        let count = 3, side = 1000
        let pixels = (0..<(count * side * side)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let url = try makeTemporaryDirectory().appendingPathComponent("big-idx3-ubyte.gz")
        try IDXTestFiles.writeGzip(IDXTestFiles.bytes(dimensions: [count, side, side], data: pixels), to: url)

        let images = try IDX.readImages(at: url)

        XCTAssertEqual(images.count, count)
        XCTAssertEqual(images.pixels, pixels)
    }
}
