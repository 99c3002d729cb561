/// A mutable RGB pixel buffer with the few drawing operations a plot needs: rectangles, lines
/// along the axes, filled discs and bitmap text. Everything is clipped to the canvas (or to a
/// caller's clip rectangle), so callers need not check bounds.
///
/// Nothing is anti-aliased: each shape sets pixels to exactly its colour, which keeps the output
/// deterministic and lets tests check colours by equality.
struct PixelCanvas {
    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    /// A canvas filled with `background`. The caller guarantees a valid image size.
    init(width: Int, height: Int, background: RGBColor) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for start in stride(from: 0, to: pixels.count, by: 3) {
            pixels[start] = background.red
            pixels[start + 1] = background.green
            pixels[start + 2] = background.blue
        }
    }

    /// Sets pixel (x, y) if it lies on the canvas.
    mutating func set(x: Int, y: Int, to color: RGBColor) {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return }
        let start = (y * width + x) * 3
        pixels[start] = color.red
        pixels[start + 1] = color.green
        pixels[start + 2] = color.blue
    }

    /// Fills the pixels with x in `left...right` and y in `top...bottom`.
    mutating func fillRectangle(left: Int, top: Int, right: Int, bottom: Int, color: RGBColor) {
        let (x0, x1) = (max(left, 0), min(right, width - 1))
        let (y0, y1) = (max(top, 0), min(bottom, height - 1))
        guard x0 <= x1, y0 <= y1 else { return }
        for y in y0...y1 {
            for x in x0...x1 { set(x: x, y: y, to: color) }
        }
    }

    /// Outlines the rectangle with corners (left, top) and (right, bottom), one pixel wide.
    mutating func strokeRectangle(left: Int, top: Int, right: Int, bottom: Int, color: RGBColor) {
        fillRectangle(left: left, top: top, right: right, bottom: top, color: color)
        fillRectangle(left: left, top: bottom, right: right, bottom: bottom, color: color)
        fillRectangle(left: left, top: top, right: left, bottom: bottom, color: color)
        fillRectangle(left: right, top: top, right: right, bottom: bottom, color: color)
    }

    /// Fills the disc of pixels whose centres lie within `radius + 0.5` of (centerX, centerY),
    /// keeping only pixels inside `clip` (left, top, right, bottom, inclusive). The half pixel
    /// makes small discs round: radius 2 gives the 21-pixel disc rather than a diamond.
    mutating func fillDisc(centerX: Int, centerY: Int, radius: Int, color: RGBColor,
                           clip: (left: Int, top: Int, right: Int, bottom: Int)) {
        let limit = (Double(radius) + 0.5) * (Double(radius) + 0.5)
        for dy in -radius...radius {
            for dx in -radius...radius where Double(dx * dx + dy * dy) <= limit {
                let x = centerX + dx, y = centerY + dy
                guard (clip.left...clip.right).contains(x), (clip.top...clip.bottom).contains(y) else { continue }
                set(x: x, y: y, to: color)
            }
        }
    }

    /// Draws `text` in the bitmap font with its top-left corner at (x, y). With `rotated`, the
    /// text is turned a quarter turn anticlockwise, to read from bottom to top as a y-axis title
    /// does; (x, y) is then the top-left corner of the turned text's box, which is
    /// `BitmapFont.glyphHeight` wide and `BitmapFont.width(of: text)` tall.
    mutating func drawText(_ text: String, x: Int, y: Int, color: RGBColor, rotated: Bool = false) {
        let length = BitmapFont.width(of: text)
        BitmapFont.forEachInkPixel(of: text) { column, row in
            if rotated {
                set(x: x + row, y: y + length - 1 - column, to: color)
            } else {
                set(x: x + column, y: y + row, to: color)
            }
        }
    }

    /// The canvas as an image.
    func image() -> RGBImage {
        // The caller made the canvas with a valid size and the buffer always matches it.
        try! RGBImage(width: width, height: height, pixels: pixels)
    }
}
