/// Why a CIFAR-10 folder or batch file could not be loaded. `description` is one sentence naming
/// the file or folder at fault.
public enum CIFARError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// A batch whose length is not a whole number of 3,073-byte records (or is zero).
    case truncated(path: String, length: Int)
    /// A record whose label byte is not a CIFAR-10 class (0–9).
    case labelOutOfRange(path: String, record: Int, label: Int)
    /// A folder with a test batch but no training batch.
    case noTrainingBatch(directory: String)
    /// batches.meta.txt does not name ten classes.
    case classNameCount(path: String, count: Int)
    /// A folder with a single record and no test batch: nothing to hold out for testing.
    case tooFewImages(directory: String, count: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "Cannot read the CIFAR-10 batch \(path): \(reason)."
        case .truncated(let path, let length):
            "\(path) is not a CIFAR-10 batch: its \(length) bytes are not a whole number of \(CIFARBatch.recordLength)-byte records (a label byte and 3×32×32 pixels); the file may be truncated."
        case .labelOutOfRange(let path, let record, let label):
            "\(path) is not a CIFAR-10 batch: record \(record) has label \(label), but the labels are 0 to 9."
        case .noTrainingBatch(let directory):
            "CIFAR-10 folder \(directory) has no training batch: it needs at least one of data_batch_1.bin to data_batch_5.bin."
        case .classNameCount(let path, let count):
            "\(path) names \(count) classes, but CIFAR-10 has 10, one per line."
        case .tooFewImages(let directory, let count):
            "CIFAR-10 folder \(directory) has no test_batch.bin and only \(count) training image, too few to hold some out for testing."
        }
    }
}
