import Foundation

/// An 8-bit RGB colour image.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels, at least 1.
    public let width: Int
    /// Height in pixels, at least 1.
    public let height: Int
    /// `width * height * 3` values, row-major from the top-left corner, each pixel as
    /// red, green, blue.
    public let pixels: [UInt8]

    /// Makes an image from interleaved RGB bytes.
    ///
    /// - Throws: `ImageError` if a dimension is outside 1...2³¹−1 or `pixels.count` is not
    ///   `width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageError) {
        try validateImage(width: width, height: height, channels: 3, pixelCount: pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Makes an image from interleaved RGB intensities in [0, 1]: values are clamped and
    /// rounded to the nearest of 0...255 (see `PixelConversion.byte(fromIntensity:)`).
    ///
    /// - Throws: `ImageError` as `init(width:height:pixels:)`.
    public init(width: Int, height: Int, intensities: [Float]) throws(ImageError) {
        try self.init(width: width, height: height, pixels: PixelConversion.bytes(fromIntensities: intensities))
    }

    /// Makes a colour image showing a greyscale one, each pixel's grey copied to R, G and B.
    public init(_ gray: GrayImage) {
        var pixels = [UInt8]()
        pixels.reserveCapacity(gray.pixels.count * 3)
        for value in gray.pixels {
            pixels += [value, value, value]
        }
        self.width = gray.width
        self.height = gray.height
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y` as (red, green, blue), or nil outside the image.
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8)? {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return nil }
        let start = (y * width + x) * 3
        return (pixels[start], pixels[start + 1], pixels[start + 2])
    }

    /// The image as the bytes of a PNG file (truecolour, 8 bits per sample).
    public func pngData() -> Data {
        PNGEncoder.encode(width: width, height: height, colorType: .rgb, pixels: pixels)
    }

    /// Writes the image as a PNG file, replacing any file at `url` atomically.
    ///
    /// - Throws: `ImageError.writeFailed` naming the file and the system's reason.
    public func write(to url: URL) throws(ImageError) {
        try AtomicFileWriter.write(pngData(), to: url)
    }
}
