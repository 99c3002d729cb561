/// The parsed header of an IDX file: element type and dimension sizes.
struct IDXHeader: Equatable {
    var elementType: IDXElementType
    var dimensions: [Int]

    /// Size in bytes of the header: the 4-byte magic plus one 4-byte size per dimension.
    var byteCount: Int { 4 + 4 * dimensions.count }

    /// Reads and validates the header of a file expected to hold `content`.
    ///
    /// Checks run from the most basic outward (magic, type, rank), so a file that is wrong in
    /// several ways is reported by its most fundamental problem.
    static func read(from reader: GzipFileReader, as content: IDXContent) throws(IDXError) -> IDXHeader {
        let path = reader.path
        let magic = try reader.read(upTo: 4)
        // Two leading zero bytes are the only fixed part of the magic; check them even in a
        // short file, so that a 3-byte text file is "not IDX" rather than "truncated".
        if magic.prefix(2).contains(where: { $0 != 0 }) {
            throw .notIDX(path: path, found: magic)
        }
        guard magic.count == 4 else {
            throw .truncatedHeader(path: path, expectedBytes: 4, foundBytes: magic.count)
        }
        guard let elementType = IDXElementType(rawValue: magic[2]) else {
            throw .notIDX(path: path, found: magic)
        }
        guard elementType == .unsignedByte else {
            throw .unsupportedElementType(path: path, type: elementType)
        }
        let rank = Int(magic[3])
        guard rank == content.rank else {
            throw .wrongDimensionCount(path: path, content: content, found: rank)
        }

        let sizeBytes = try reader.read(upTo: 4 * rank)
        guard sizeBytes.count == 4 * rank else {
            throw .truncatedHeader(path: path, expectedBytes: 4 + 4 * rank, foundBytes: 4 + sizeBytes.count)
        }
        let dimensions = (0..<rank).map { axis in
            // Big-endian, as the IDX format prescribes.
            sizeBytes[4 * axis ..< 4 * axis + 4].reduce(0) { ($0 << 8) | Int($1) }
        }
        return IDXHeader(elementType: elementType, dimensions: dimensions)
    }

    /// Number of data bytes the header declares, or nil if that overflows `Int`.
    var dataByteCount: Int? {
        var total = elementType.byteWidth
        for size in dimensions {
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            total = product
        }
        return total
    }
}

/// Reads a whole IDX file of `content` and returns its dimensions and data bytes, checking that
/// the data is exactly as long as the header says.
func readIDXFile(at path: String, as content: IDXContent) throws(IDXError) -> (dimensions: [Int], bytes: [UInt8]) {
    let reader = try GzipFileReader(path: path)
    let header = try IDXHeader.read(from: reader, as: content)
    guard let expected = header.dataByteCount else {
        throw .tooLarge(path: path, dimensions: header.dimensions)
    }
    let bytes = try reader.read(upTo: expected)
    guard bytes.count == expected else {
        throw .truncated(path: path, expectedBytes: expected, foundBytes: bytes.count)
    }
    let extra = try reader.countRemainingBytes()
    guard extra == 0 else {
        throw .trailingData(path: path, dataBytes: expected, extraBytes: extra)
    }
    return (header.dimensions, bytes)
}
