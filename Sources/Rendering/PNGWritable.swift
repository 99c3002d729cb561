import Foundation

/// An image that can be written as a PNG file: a ``GrayImage`` or an ``RGBImage``. What a grid of
/// grey or colour tiles (``ImageGrid/picture(_:channels:tileHeight:tileWidth:columns:padding:paddingIntensity:)``) returns.
public protocol PNGWritable: Sendable {
    var width: Int { get }
    var height: Int { get }
    /// The image as the bytes of a PNG file.
    func pngData() -> Data
    /// Writes the image as a PNG file, replacing any file at `url` atomically.
    func write(to url: URL) throws(ImageError)
}

extension GrayImage: PNGWritable {}
extension RGBImage: PNGWritable {}
