import Foundation

/// An 8-bit greyscale image: 0 is black, 255 white.
public struct GrayImage: Sendable, Equatable {
    /// Width in pixels, at least 1.
    public let width: Int
    /// Height in pixels, at least 1.
    public let height: Int
    /// `width * height` values, row-major from the top-left corner.
    public let pixels: [UInt8]

    /// Makes an image from bytes.
    ///
    /// - Throws: `ImageError` if a dimension is outside 1...2³¹−1 or `pixels.count` is not
    ///   `width * height`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageError) {
        try validateImage(width: width, height: height, channels: 1, pixelCount: pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Makes an image from intensities in [0, 1], as a model outputs them: values are clamped
    /// and rounded to the nearest of 0...255 (see `PixelConversion.byte(fromIntensity:)`).
    ///
    /// - Throws: `ImageError` as `init(width:height:pixels:)`.
    public init(width: Int, height: Int, intensities: [Float]) throws(ImageError) {
        try self.init(width: width, height: height, pixels: PixelConversion.bytes(fromIntensities: intensities))
    }

    /// The pixel at column `x`, row `y`, or nil outside the image.
    public func pixel(x: Int, y: Int) -> UInt8? {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return nil }
        return pixels[y * width + x]
    }

    /// The image as the bytes of a PNG file (greyscale, 8 bits per pixel).
    public func pngData() -> Data {
        PNGEncoder.encode(width: width, height: height, colorType: .grayscale, pixels: pixels)
    }

    /// Writes the image as a PNG file, replacing any file at `url` atomically.
    ///
    /// - Throws: `ImageError.writeFailed` naming the file and the system's reason.
    public func write(to url: URL) throws(ImageError) {
        try AtomicFileWriter.write(pngData(), to: url)
    }
}
