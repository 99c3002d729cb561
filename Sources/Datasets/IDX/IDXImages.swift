/// A stack of greyscale images read from an idx3 file, e.g. MNIST's `train-images-idx3-ubyte`.
public struct IDXImages: Sendable, Equatable {
    /// Number of images.
    public let count: Int
    /// Height of each image in pixels.
    public let rows: Int
    /// Width of each image in pixels.
    public let columns: Int
    /// All pixels, `count * rows * columns` of them: image after image, each row-major.
    /// In MNIST-family files 0 is background and 255 full ink.
    public let pixels: [UInt8]

    /// Number of pixels in one image.
    public var pixelsPerImage: Int { rows * columns }

    /// Makes an image stack; `pixels.count` must be `count * rows * columns`, or this returns nil.
    public init?(count: Int, rows: Int, columns: Int, pixels: [UInt8]) {
        guard count >= 0, rows >= 0, columns >= 0 else { return nil }
        let (perImage, overflow1) = rows.multipliedReportingOverflow(by: columns)
        let (total, overflow2) = count.multipliedReportingOverflow(by: perImage)
        guard !overflow1, !overflow2, total == pixels.count else { return nil }
        self.count = count
        self.rows = rows
        self.columns = columns
        self.pixels = pixels
    }

    /// The pixels of image `index` (row-major), or nil if `index` is out of range.
    public func image(at index: Int) -> ArraySlice<UInt8>? {
        guard index >= 0, index < count else { return nil }
        return pixels[index * pixelsPerImage ..< (index + 1) * pixelsPerImage]
    }
}
