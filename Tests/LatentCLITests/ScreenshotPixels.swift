import CZlib
import Foundation

/// The pixels of a browser's PNG screenshot, for telling a drawn page from a blank one: 8-bit RGB
/// or RGBA, not interlaced, with any of PNG's five row filters (browsers pick filters per row,
/// unlike Latent's own encoder).
struct ScreenshotPixels {
    let width: Int
    let height: Int
    /// RGB triples, row-major (alpha dropped).
    let rgb: [UInt8]

    struct Failure: Error, CustomStringConvertible { let description: String }

    init(png data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.starts(with: [137, 80, 78, 71, 13, 10, 26, 10]) else { throw Failure(description: "not a PNG file") }
        var offset = 8, header: [UInt8] = [], compressed: [UInt8] = []
        while offset + 12 <= bytes.count {
            let length = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw Failure(description: "chunk \(type) cut short") }
            let body = bytes[offset + 8..<offset + 8 + length]
            if type == "IHDR" { header = Array(body) }
            if type == "IDAT" { compressed += body }
            offset += 12 + length
        }
        guard header.count == 13 else { throw Failure(description: "no IHDR chunk") }
        width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        guard header[8] == 8, header[9] == 2 || header[9] == 6, header[12] == 0 else {
            throw Failure(description: "unexpected IHDR \(header)")
        }
        let channels = header[9] == 6 ? 4 : 3
        let rowBytes = width * channels
        var raw = [UInt8](repeating: 0, count: (rowBytes + 1) * height)
        var size = uLong(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK, Int(size) == raw.count else { throw Failure(description: "inflate failed (\(status))") }
        var pixels = [UInt8](repeating: 0, count: rowBytes * height)
        for row in 0..<height {
            let filter = raw[row * (rowBytes + 1)]
            for column in 0..<rowBytes {
                let x = Int(raw[row * (rowBytes + 1) + 1 + column])
                let a = column >= channels ? Int(pixels[row * rowBytes + column - channels]) : 0
                let b = row > 0 ? Int(pixels[(row - 1) * rowBytes + column]) : 0
                let c = row > 0 && column >= channels ? Int(pixels[(row - 1) * rowBytes + column - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw Failure(description: "row \(row) has filter \(filter)")
                }
                pixels[row * rowBytes + column] = UInt8((x + predictor) & 0xFF)
            }
        }
        rgb = channels == 3 ? pixels : stride(from: 0, to: pixels.count, by: 4).flatMap { pixels[$0..<$0 + 3] }
    }

    /// The share of pixels that differ from the most common colour (the page's background).
    var drawnFraction: Double {
        var counts: [UInt32: Int] = [:]
        for index in stride(from: 0, to: rgb.count, by: 3) {
            let red = UInt32(rgb[index]) << 16, green = UInt32(rgb[index + 1]) << 8
            counts[red | green | UInt32(rgb[index + 2]), default: 0] += 1
        }
        let background = counts.values.max() ?? 0
        return 1 - Double(background) / Double(max(width * height, 1))
    }

    /// Distinct colours on the page.
    var colorCount: Int {
        var colors = Set<UInt32>()
        for index in stride(from: 0, to: rgb.count, by: 3) {
            let red = UInt32(rgb[index]) << 16, green = UInt32(rgb[index + 1]) << 8
            colors.insert(red | green | UInt32(rgb[index + 2]))
        }
        return colors.count
    }
}
