import Foundation

/// One file of CIFAR-10's binary layout (`data_batch_1.bin` … `data_batch_5.bin`,
/// `test_batch.bin`): records of 3,073 bytes, each a label byte (0–9) then the 32×32 image as
/// 1,024 red, 1,024 green and 1,024 blue bytes, every plane row-major.
///
/// That is exactly ``ImageSet``'s C×H×W layout, so the pixel bytes are copied in order and each
/// intensity is p/255 of the byte in the file.
public enum CIFARBatch {
    public static let rows = 32
    public static let columns = 32
    public static let channels = 3
    /// Bytes of one image: 3 × 32 × 32.
    public static let imageLength = channels * rows * columns
    /// Bytes of one record: the label byte and the image.
    public static let recordLength = 1 + imageLength
    /// CIFAR-10's classes: labels 0 to 9.
    public static let classCount = 10

    /// The labels and C×H×W pixel bytes of every record in `bytes`, checked.
    ///
    /// - Throws: `CIFARError.truncated` for a length that is zero or not a multiple of 3,073,
    ///   `.labelOutOfRange` for a label byte above 9; `path` names the file.
    public static func records(_ bytes: Data, path: String) throws(CIFARError) -> (labels: [Int], levels: [UInt8]) {
        guard !bytes.isEmpty, bytes.count % recordLength == 0 else { throw .truncated(path: path, length: bytes.count) }
        let count = bytes.count / recordLength
        var labels = [Int](repeating: 0, count: count)
        var levels = [UInt8](repeating: 0, count: count * imageLength)
        let badRecord: (Int, Int)? = bytes.withUnsafeBytes { raw in
            let source = raw.bindMemory(to: UInt8.self)
            for record in 0..<count {
                let start = record * recordLength
                let label = Int(source[start])
                guard label < classCount else { return (record, label) }
                labels[record] = label
                levels.withUnsafeMutableBufferPointer { out in
                    (out.baseAddress! + record * imageLength).update(from: source.baseAddress! + start + 1, count: imageLength)
                }
            }
            return nil
        }
        if let (record, label) = badRecord { throw .labelOutOfRange(path: path, record: record, label: label) }
        return (labels, levels)
    }

    /// The images of a batch's bytes: 3×32×32 each, intensities p/255.
    ///
    /// - Throws: as ``records(_:path:)``.
    public static func images(_ bytes: Data, path: String) throws(CIFARError) -> ImageSet {
        let (labels, levels) = try records(bytes, path: path)
        return ImageSet(levels: levels, labels: labels, channels: channels, rows: rows, columns: columns)
    }

    /// Reads and parses the batch file at `url`.
    ///
    /// - Throws: `CIFARError` naming the file.
    public static func read(at url: URL) throws(CIFARError) -> ImageSet {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try images(bytes, path: url.path)
    }
}
