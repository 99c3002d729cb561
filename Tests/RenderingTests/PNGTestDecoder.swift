import CZlib
import Foundation

/// A minimal PNG reader for the tests, written independently of the encoder: it parses the
/// chunks, checks every CRC with its own bitwise CRC-32 (not zlib's), inflates IDAT with zlib's
/// `uncompress`, and undoes filter type 0, rejecting any other filter or colour setting the
/// encoder should never produce.
///
/// The encoder's output was also checked once by hand against Pillow 13.0 (python3 -m venv
/// /tmp/png-venv; pip install pillow): `Image.open` read grey ("L") and RGB files of several
/// sizes, a 100-tile grid included, with exactly the pixels written, and `verify()` passed.
struct DecodedPNG {
    var width: Int
    var height: Int
    var bitDepth: UInt8
    var colorType: UInt8
    var chunkTypes: [String]
    /// Samples row-major, without filter bytes.
    var pixels: [UInt8]
}

struct PNGDecodeError: Error, CustomStringConvertible {
    var description: String
}

enum PNGTestDecoder {
    static func decode(_ data: Data) throws -> DecodedPNG {
        let bytes = [UInt8](data)
        let signature: [UInt8] = [137, 80, 78, 71, 13, 10, 26, 10]
        guard bytes.starts(with: signature) else { throw PNGDecodeError(description: "bad signature") }

        var offset = signature.count
        var chunkTypes: [String] = []
        var header: [UInt8] = []
        var compressed: [UInt8] = []
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else { throw PNGDecodeError(description: "chunk header cut short") }
            let length = Int(readUInt32(bytes, at: offset))
            guard offset + 12 + length <= bytes.count else { throw PNGDecodeError(description: "chunk cut short") }
            let typeAndData = Array(bytes[(offset + 4) ..< (offset + 8 + length)])
            let type = String(decoding: typeAndData.prefix(4), as: UTF8.self)
            let storedCRC = readUInt32(bytes, at: offset + 8 + length)
            guard storedCRC == bitwiseCRC32(typeAndData) else {
                throw PNGDecodeError(description: "CRC mismatch in \(type)")
            }
            let body = Array(typeAndData.dropFirst(4))
            chunkTypes.append(type)
            switch type {
            case "IHDR": header = body
            case "IDAT": compressed += body
            default: break
            }
            offset += 12 + length
        }
        guard chunkTypes.first == "IHDR", chunkTypes.last == "IEND", header.count == 13 else {
            throw PNGDecodeError(description: "chunks out of order: \(chunkTypes)")
        }
        let width = Int(readUInt32(header, at: 0)), height = Int(readUInt32(header, at: 4))
        let bitDepth = header[8], colorType = header[9]
        guard bitDepth == 8, header[10] == 0, header[11] == 0, header[12] == 0 else {
            throw PNGDecodeError(description: "unexpected IHDR \(header)")
        }
        let channels: Int
        switch colorType {
        case 0: channels = 1
        case 2: channels = 3
        default: throw PNGDecodeError(description: "unexpected colour type \(colorType)")
        }

        let rowBytes = width * channels
        let raw = try inflate(compressed, expectedCount: (rowBytes + 1) * height)
        var pixels: [UInt8] = []
        for row in 0..<height {
            let start = row * (rowBytes + 1)
            guard raw[start] == 0 else { throw PNGDecodeError(description: "row \(row) has filter \(raw[start])") }
            pixels += raw[(start + 1)...(start + rowBytes)]
        }
        return DecodedPNG(width: width, height: height, bitDepth: bitDepth, colorType: colorType,
                          chunkTypes: chunkTypes, pixels: pixels)
    }

    /// Big-endian 32-bit integer at `offset`.
    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset ..< offset + 4].reduce(0) { ($0 << 8) | UInt32($1) }
    }

    /// CRC-32 (polynomial 0xEDB88320, reflected) one bit at a time, as in the PNG spec's annex.
    static func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
            }
        }
        return ~crc
    }

    /// Inflates a zlib stream that must decompress to exactly `expectedCount` bytes.
    static func inflate(_ compressed: [UInt8], expectedCount: Int) throws -> [UInt8] {
        // One spare byte so that too much data shows up as a size mismatch, not Z_BUF_ERROR.
        var output = [UInt8](repeating: 0, count: expectedCount + 1)
        var outputCount = uLong(output.count)
        let status = output.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &outputCount, input.baseAddress, uLong(input.count))
            }
        }
        guard status == Z_OK, Int(outputCount) == expectedCount else {
            throw PNGDecodeError(description: "inflate status \(status), \(outputCount) bytes for \(expectedCount)")
        }
        return Array(output.prefix(expectedCount))
    }
}
