/// Scales an image so its shorter side is N pixels and keeps the centre N×N square: torchvision's
/// `Resize(N)` then `CenterCrop(N)`, the usual way to bring photographs of any shape to one size.
///
/// Shrinking averages the source area each output pixel covers (a box filter with fractional
/// coverage at the edges), so fine detail does not alias; enlarging interpolates bilinearly
/// between the four nearest source pixels. An image already N×N comes back unchanged, byte for
/// byte.
public enum ImageResizing {
    /// `image` scaled and centre-cropped to `size`×`size`, with its channels. `size` ≥ 1.
    public static func resizedAndCropped(_ image: DecodedImage, to size: Int) -> DecodedImage {
        precondition(size >= 1, "ImageResizing: size \(size)")
        if image.width == size && image.height == size { return image }
        // The centre square of the source, side = the shorter side, at whole-pixel offsets so that
        // a crop without scaling copies pixels exactly.
        let side = min(image.width, image.height)
        let left = (image.width - side) / 2, top = (image.height - side) / 2
        let columnTaps = taps(sourceStart: left, sourceLength: side, sourceLimit: image.width, outputs: size)
        let rowTaps = taps(sourceStart: top, sourceLength: side, sourceLimit: image.height, outputs: size)
        let channels = image.channels

        // Horizontally first: every source row to `size` columns.
        var horizontal = [Float](repeating: 0, count: image.height * size * channels)
        image.pixels.withUnsafeBufferPointer { source in
            for row in 0..<image.height {
                for (column, weights) in columnTaps.enumerated() {
                    for channel in 0..<channels {
                        var sum: Float = 0
                        for (index, weight) in weights { sum += weight * Float(source[(row * image.width + index) * channels + channel]) }
                        horizontal[(row * size + column) * channels + channel] = sum
                    }
                }
            }
        }
        // Then vertically, rounding to the nearest level.
        var pixels = [UInt8](repeating: 0, count: size * size * channels)
        for (row, weights) in rowTaps.enumerated() {
            for column in 0..<size {
                for channel in 0..<channels {
                    var sum: Float = 0
                    for (index, weight) in weights { sum += weight * horizontal[(index * size + column) * channels + channel] }
                    pixels[(row * size + column) * channels + channel] = UInt8(min(max(sum.rounded(), 0), 255))
                }
            }
        }
        return DecodedImage(width: size, height: size, channels: channels, pixels: pixels)
    }

    /// For each of `outputs` pixels along one axis, the source pixels it draws on and their
    /// weights (summing to 1), mapping source pixels sourceStart..<sourceStart + sourceLength.
    static func taps(sourceStart: Int, sourceLength: Int, sourceLimit: Int, outputs: Int) -> [[(Int, Float)]] {
        let scale = Double(sourceLength) / Double(outputs)   // source pixels per output pixel
        return (0..<outputs).map { output in
            if scale >= 1 {
                // Area: the source interval [start, end) this output pixel covers.
                let start = Double(sourceStart) + Double(output) * scale, end = start + scale
                var weights: [(Int, Float)] = []
                var index = Int(start.rounded(.down))
                while Double(index) < end, index < sourceLimit {
                    let overlap = min(end, Double(index + 1)) - max(start, Double(index))
                    if overlap > 1e-9 { weights.append((index, Float(overlap / scale))) }
                    index += 1
                }
                return weights
            }
            // Bilinear: the output pixel's centre in source coordinates, between two source centres.
            let centre = Double(sourceStart) + (Double(output) + 0.5) * scale - 0.5
            let clamped = min(max(centre, Double(sourceStart)), Double(sourceStart + sourceLength - 1))
            let low = Int(clamped.rounded(.down)), high = min(low + 1, sourceStart + sourceLength - 1)
            let fraction = Float(clamped - Double(low))
            return high == low ? [(low, Float(1))] : [(low, 1 - fraction), (high, fraction)]
        }
    }
}
