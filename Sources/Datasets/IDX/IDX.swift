import Foundation

/// Reading files in the IDX format of the MNIST family (http://yann.lecun.com/exdb/mnist/).
///
/// An IDX file is big-endian: two zero bytes, an element-type byte, a dimension-count byte, one
/// 4-byte size per dimension, then the data. Files may be gzip-compressed or raw; which one is
/// decided by the gzip magic bytes, not the file name. Only unsigned-byte data (type 0x08) is read,
/// which covers MNIST, Fashion-MNIST and KMNIST.
public enum IDX {
    /// Reads an idx3 image file (dimensions: count, rows, columns).
    ///
    /// - Throws: `IDXError` naming the file and the problem, such as a missing file, a wrong
    ///   magic, a wrong number of dimensions, truncation, trailing data or a corrupt gzip stream.
    public static func readImages(at url: URL) throws(IDXError) -> IDXImages {
        let path = url.path
        let (dimensions, bytes) = try readIDXFile(at: path, as: .images)
        guard let images = IDXImages(count: dimensions[0], rows: dimensions[1], columns: dimensions[2], pixels: bytes)
        else {
            // readIDXFile already checked that the data matches the dimensions.
            throw .tooLarge(path: path, dimensions: dimensions)
        }
        return images
    }

    /// Reads an idx1 label file (one dimension: count).
    ///
    /// - Throws: `IDXError` naming the file and the problem, as for `readImages(at:)`.
    public static func readLabels(at url: URL) throws(IDXError) -> IDXLabels {
        let (_, bytes) = try readIDXFile(at: url.path, as: .labels)
        return IDXLabels(labels: bytes)
    }
}
