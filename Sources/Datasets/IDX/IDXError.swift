/// What the kind of IDX file being read was supposed to contain; used to word dimension errors.
public enum IDXContent: Sendable, Equatable, CustomStringConvertible {
    /// An idx3 file: count, rows, columns.
    case images
    /// An idx1 file: count.
    case labels

    /// Number of dimensions this content must have.
    var rank: Int {
        switch self {
        case .images: 3
        case .labels: 1
        }
    }

    public var description: String {
        switch self {
        case .images: "images"
        case .labels: "labels"
        }
    }

    /// What the dimensions are, for messages.
    var dimensionNames: String {
        switch self {
        case .images: "count, rows, columns"
        case .labels: "count"
        }
    }
}

/// Why an IDX file could not be read.
///
/// Every case carries the file's path, and `description` is one sentence that names the path and
/// the problem, so that the message can be shown to a person as it is.
public enum IDXError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at `path`.
    case fileNotFound(path: String)
    /// The file exists but could not be opened or read, e.g. permission denied or a directory.
    case unreadable(path: String, reason: String)
    /// The first bytes are not `00 00 <known type code> <dimension count>`; `found` holds them.
    case notIDX(path: String, found: [UInt8])
    /// The file is IDX, but of an element type this package does not read.
    case unsupportedElementType(path: String, type: IDXElementType)
    /// The file has a different number of dimensions than the content it was read as.
    case wrongDimensionCount(path: String, content: IDXContent, found: Int)
    /// The file ends inside its header (magic plus dimension sizes).
    case truncatedHeader(path: String, expectedBytes: Int, foundBytes: Int)
    /// The file ends before the data its header declares.
    case truncated(path: String, expectedBytes: Int, foundBytes: Int)
    /// The file has bytes after the data its header declares.
    case trailingData(path: String, dataBytes: Int, extraBytes: Int)
    /// The dimensions multiply to more values than can be held in memory.
    case tooLarge(path: String, dimensions: [Int])
    /// The file starts like gzip but zlib could not decompress it; `reason` is zlib's message.
    case corruptGzip(path: String, reason: String)

    /// The path of the file the error is about.
    public var path: String {
        switch self {
        case .fileNotFound(let path), .unreadable(let path, _), .notIDX(let path, _),
             .unsupportedElementType(let path, _), .wrongDimensionCount(let path, _, _),
             .truncatedHeader(let path, _, _), .truncated(let path, _, _),
             .trailingData(let path, _, _), .tooLarge(let path, _), .corruptGzip(let path, _):
            path
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "IDX file \(path) does not exist."
        case .unreadable(let path, let reason):
            return "IDX file \(path) could not be read (\(reason))."
        case .notIDX(let path, let found):
            return "\(path) is not an IDX file: it starts with \(describeBytes(found)) instead of "
                + "00 00, an IDX type code (08, 09, 0B, 0C, 0D or 0E) and a dimension count."
        case .unsupportedElementType(let path, let type):
            return "IDX file \(path) holds \(type), but only \(IDXElementType.unsignedByte) can be read."
        case .wrongDimensionCount(let path, let content, let found):
            let noun = found == 1 ? "dimension" : "dimensions"
            return "IDX file \(path) has \(found) \(noun), but \(content) need \(content.rank) "
                + "(\(content.dimensionNames))."
        case .truncatedHeader(let path, _, 0):
            return "IDX file \(path) is empty."
        case .truncatedHeader(let path, let expected, let found):
            return "IDX file \(path) is truncated: its header needs \(expected) bytes, "
                + "but the file holds only \(found)."
        case .truncated(let path, let expected, let found):
            return "IDX file \(path) is truncated: expected \(expected) bytes of data, found \(found)."
        case .trailingData(let path, let dataBytes, let extra):
            return "IDX file \(path) has \(extra) \(extra == 1 ? "byte" : "bytes") of trailing garbage after the "
                + "\(dataBytes) bytes of data its header declares."
        case .tooLarge(let path, let dimensions):
            let shape = dimensions.map(String.init).joined(separator: " × ")
            return "IDX file \(path) declares dimensions \(shape), too many values to hold in memory."
        case .corruptGzip(let path, let reason):
            return "The gzip stream of \(path) is corrupt (zlib: \(reason))."
        }
    }
}

/// Hex bytes, plus the text they spell when it is printable ASCII: an HTML error page saved in
/// place of a download is a common cause of "not an IDX file", and `<!DO` makes that obvious.
private func describeBytes(_ bytes: [UInt8]) -> String {
    if bytes.isEmpty { return "no bytes" }
    let hex = bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count < 2 ? "0" + digits : digits
    }.joined(separator: " ")
    let printable = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    return printable ? "\(hex) (\"\(String(decoding: bytes, as: UTF8.self))\")" : hex
}
