/// One image file decoded to 8-bit pixels: `height` rows of `width` pixels, each pixel
/// `channels` bytes interleaved (grey, or R, G, B), the layout image files and libraries use.
public struct DecodedImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// 1 (grey) or 3 (R, G, B).
    public let channels: Int
    /// height × width × channels bytes, row-major, channels interleaved.
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * channels, "DecodedImage: \(pixels.count) bytes for \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// Whether the image shows only greys: one channel, or three equal ones in every pixel (a grey
    /// picture saved as RGB is still grey data).
    public var isGrey: Bool {
        guard channels == 3 else { return true }
        for start in stride(from: 0, to: pixels.count, by: 3) {
            let red = pixels[start]
            if pixels[start + 1] != red || pixels[start + 2] != red { return false }
        }
        return true
    }

    /// The same image with `count` channels: grey copied to R, G and B, or three equal channels
    /// kept as one. Only call with 1 for a grey image.
    public func withChannels(_ count: Int) -> DecodedImage {
        guard count != channels else { return self }
        if count == 3 {
            return DecodedImage(width: width, height: height, channels: 3, pixels: pixels.flatMap { [$0, $0, $0] })
        }
        precondition(isGrey, "DecodedImage: only a grey image becomes one channel")
        return DecodedImage(width: width, height: height, channels: 1,
                            pixels: stride(from: 0, to: pixels.count, by: channels).map { pixels[$0] })
    }

    /// The bytes as ImageSet lays them out: channel planes (C×H×W) instead of interleaved pixels.
    public var planes: [UInt8] {
        guard channels > 1 else { return pixels }
        let planeSize = width * height
        var planar = [UInt8](repeating: 0, count: pixels.count)
        for pixel in 0..<planeSize {
            for channel in 0..<channels { planar[channel * planeSize + pixel] = pixels[pixel * channels + channel] }
        }
        return planar
    }
}
