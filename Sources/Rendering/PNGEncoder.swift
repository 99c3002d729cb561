import CZlib
import Foundation

/// The PNG colour types this package writes, with 8 bits per sample.
enum PNGColorType: UInt8 {
    case grayscale = 0
    case rgb = 2

    /// Samples per pixel.
    var channels: Int {
        switch self {
        case .grayscale: 1
        case .rgb: 3
        }
    }
}

/// Encodes 8-bit pixels as a PNG file (https://www.w3.org/TR/png/): the signature, an IHDR
/// chunk, one IDAT chunk holding the zlib-deflated scanlines, and IEND.
///
/// Every scanline uses filter type 0 (None). Adaptive filters would compress photos better,
/// but the images here are small sample grids, and None keeps the encoder obviously correct.
enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes `pixels` (row-major, `channels` samples per pixel). The caller guarantees that
    /// the dimensions are in PNG's range and that `pixels` has exactly the right count, which
    /// `GrayImage` and `RGBImage` check when they are made.
    static func encode(width: Int, height: Int, colorType: PNGColorType, pixels: [UInt8]) -> Data {
        var header = [UInt8]()
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        // Bit depth 8, colour type, compression 0 (deflate), filter method 0, no interlace.
        header += [8, colorType.rawValue, 0, 0, 0]

        var file = signature
        file += chunk(type: "IHDR", data: header)
        file += chunk(type: "IDAT", data: deflate(scanlines(width: width, height: height,
                                                             channels: colorType.channels, pixels: pixels)))
        file += chunk(type: "IEND", data: [])
        return Data(file)
    }

    /// The rows of `pixels`, each preceded by its filter-type byte 0.
    static func scanlines(width: Int, height: Int, channels: Int, pixels: [UInt8]) -> [UInt8] {
        let rowBytes = width * channels
        var result = [UInt8]()
        result.reserveCapacity((rowBytes + 1) * height)
        for row in 0..<height {
            result.append(0)
            result += pixels[row * rowBytes ..< (row + 1) * rowBytes]
        }
        return result
    }

    /// One chunk: big-endian data length, 4-letter type, data, and the CRC-32 of type and data.
    static func chunk(type: String, data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let crcInput = typeBytes + data
        return bigEndian(UInt32(data.count)) + crcInput + bigEndian(crc32(crcInput))
    }

    /// The CRC-32 PNG uses (the same polynomial as zlib and gzip), computed by zlib.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        let crc = bytes.withUnsafeBufferPointer { buffer in
            CZlib.crc32(0, buffer.baseAddress, UInt32(buffer.count))
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// A zlib stream (header, deflate data, Adler-32), which is what IDAT holds.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var capacity = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = output.withUnsafeMutableBufferPointer { outputBuffer in
            bytes.withUnsafeBufferPointer { inputBuffer in
                compress2(outputBuffer.baseAddress, &capacity, inputBuffer.baseAddress,
                          uLong(inputBuffer.count), Z_DEFAULT_COMPRESSION)
            }
        }
        // compressBound makes Z_BUF_ERROR impossible; what remains is zlib failing to allocate
        // its few hundred KB of state, an out-of-memory condition like any failed allocation.
        precondition(status == Z_OK, "zlib compress2 failed with status \(status) (out of memory)")
        output.removeSubrange(Int(capacity)...)
        return output
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
