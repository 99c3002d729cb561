import CJPEG
import CPNG
import Foundation

/// Decodes PNG and JPEG files with the system's libpng and libjpeg-turbo, told apart by their
/// first bytes rather than their names.
public enum ImageFileDecoder {
    /// The image formats read, by signature.
    public enum Format: String, Sendable {
        case png = "PNG"
        case jpeg = "JPEG"
    }

    /// Decoded images larger than this many bytes are refused rather than allocated: 2²⁸ bytes is
    /// a 9,000 × 9,000 colour photograph, far beyond what a model here trains on.
    public static let maximumBytes = 1 << 28

    /// File name extensions an image folder loads (compared without case).
    public static let fileExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// The format `bytes` start like, or nil for neither.
    public static func format(of bytes: Data) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Decodes a PNG or JPEG file's bytes: 1 channel for a grey file, 3 for a colour one.
    ///
    /// - Throws: `ImageDecodingError` with the library's reason.
    public static func decode(_ bytes: Data) throws(ImageDecodingError) -> DecodedImage {
        guard let format = format(of: bytes) else { throw .unknownFormat }
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: Int32 = 0, height: Int32 = 0, channels: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBytes { raw -> Int32 in
            let base = raw.bindMemory(to: UInt8.self).baseAddress
            switch format {
            case .png: return latent_png_decode(base, raw.count, maximumBytes, &pixels, &width, &height, &channels, &message)
            case .jpeg: return latent_jpeg_decode(base, raw.count, maximumBytes, &pixels, &width, &height, &channels, &message)
            }
        }
        defer { free(pixels) }
        guard status == 0, let pixels, width > 0, height > 0 else {
            throw .undecodable(format: format, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let count = Int(width) * Int(height) * Int(channels)
        return DecodedImage(width: Int(width), height: Int(height), channels: Int(channels),
                            pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}

/// Why bytes did not decode as an image.
public enum ImageDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither the PNG nor the JPEG signature.
    case unknownFormat
    /// libpng or libjpeg stopped, with its reason.
    case undecodable(format: ImageFileDecoder.Format, reason: String)

    public var description: String {
        switch self {
        case .unknownFormat: "it is neither a PNG nor a JPEG file"
        case .undecodable(let format, let reason): "it does not decode as \(format.rawValue) (\(reason))"
        }
    }
}
