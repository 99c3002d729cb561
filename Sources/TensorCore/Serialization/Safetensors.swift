import Foundation

/// Why a safetensors file could not be read or written.
///
/// Each case carries the file path (or the `source` name given to ``SafetensorsFile/decode(_:source:)``)
/// and its description is one sentence that names the problem.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    /// Fewer than the 8 bytes that hold the header length.
    case fileTooShort(source: String, byteCount: Int)
    /// The header length says more bytes follow than the file holds.
    case headerLengthBeyondFile(source: String, headerLength: UInt64, available: Int)
    /// The header is not UTF-8 JSON, or its top level is not an object of objects.
    case invalidHeader(source: String, reason: String)
    /// `__metadata__` is not an object whose values are all strings.
    case invalidMetadata(source: String, reason: String)
    /// The header names the same tensor twice.
    case duplicateName(source: String, name: String)
    /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(source: String, tensor: String, field: String)
    /// A tensor entry's `dtype` or `data_offsets` has the wrong JSON type or value.
    case invalidField(source: String, tensor: String, field: String, reason: String)
    /// A shape that is not a list of non-negative integers, or whose element count overflows.
    case invalidShape(source: String, tensor: String, reason: String)
    /// A dtype this reader cannot convert to Float32.
    case unsupportedDType(source: String, tensor: String, dtype: String)
    /// `data_offsets` run backwards or past the end of the data buffer.
    case offsetsOutOfRange(source: String, tensor: String, begin: Int, end: Int, bufferLength: Int)
    /// The byte range's length is not the shape's element count times the dtype's size.
    case sizeMismatch(source: String, tensor: String, shape: String, dtype: String, expectedBytes: Int, actualBytes: Int)
    /// In offset order, a tensor does not start where the previous one ended (a gap or an overlap).
    case nonContiguous(source: String, tensor: String, begin: Int, expectedBegin: Int)
    /// The data buffer holds bytes after the last tensor.
    case trailingBytes(source: String, coveredBytes: Int, bufferLength: Int)
    /// The file could not be read.
    case readFailed(path: String, reason: String)
    /// The file could not be written; any previous file at the path is unchanged.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .fileTooShort(source, count):
            return "Safetensors '\(source)' is truncated: it has \(count) bytes, fewer than the 8-byte header length."
        case let .headerLengthBeyondFile(source, length, available):
            return "Safetensors '\(source)' declares a \(length)-byte header but only \(available) bytes follow the length."
        case let .invalidHeader(source, reason):
            return "Safetensors '\(source)' has an invalid JSON header: \(reason)."
        case let .invalidMetadata(source, reason):
            return "Safetensors '\(source)' has invalid __metadata__: \(reason)."
        case let .duplicateName(source, name):
            return "Safetensors '\(source)' lists tensor '\(name)' more than once (duplicate name)."
        case let .missingField(source, tensor, field):
            return "Safetensors '\(source)': tensor '\(tensor)' is missing its \"\(field)\" field."
        case let .invalidField(source, tensor, field, reason):
            return "Safetensors '\(source)': tensor '\(tensor)' has an invalid \"\(field)\": \(reason)."
        case let .invalidShape(source, tensor, reason):
            return "Safetensors '\(source)': tensor '\(tensor)' has an invalid shape: \(reason)."
        case let .unsupportedDType(source, tensor, dtype):
            return "Safetensors '\(source)': tensor '\(tensor)' has unsupported dtype '\(dtype)' (supported: "
                + SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ") + ")."
        case let .offsetsOutOfRange(source, tensor, begin, end, length):
            return "Safetensors '\(source)': tensor '\(tensor)' has data_offsets [\(begin), \(end)] out of range "
                + "for a \(length)-byte data buffer."
        case let .sizeMismatch(source, tensor, shape, dtype, expected, actual):
            return "Safetensors '\(source)': tensor '\(tensor)' of shape \(shape) and dtype \(dtype) needs "
                + "\(expected) bytes but its data_offsets span \(actual) (size mismatch)."
        case let .nonContiguous(source, tensor, begin, expected):
            let kind = begin < expected ? "overlaps the previous tensor" : "leaves a gap after the previous tensor"
            return "Safetensors '\(source)': tensor '\(tensor)' starts at byte \(begin) but the previous region ends at "
                + "\(expected), so it \(kind) (regions must be contiguous)."
        case let .trailingBytes(source, covered, length):
            return "Safetensors '\(source)': tensors cover \(covered) bytes of the \(length)-byte data buffer, "
                + "leaving trailing bytes that no tensor owns."
        case let .readFailed(path, reason):
            return "Cannot read safetensors file '\(path)': \(reason)."
        case let .writeFailed(path, reason):
            return "Cannot write safetensors file '\(path)': \(reason)."
        }
    }
}

/// Named Float32 tensors and string metadata in the safetensors format
/// (https://github.com/huggingface/safetensors), readable by Python's `safetensors` package.
///
/// Layout: an 8-byte little-endian `UInt64` header length N; N bytes of UTF-8 JSON mapping each tensor
/// name to `{"dtype": "F32", "shape": [d0, d1, …], "data_offsets": [begin, end]}` plus an optional
/// `"__metadata__"` object of strings; then the little-endian row-major data, with offsets relative
/// to the first byte after the header. A shape of `[]` is a scalar; a zero dimension is an empty tensor.
public struct SafetensorsFile {
    /// The tensors by name. Reading converts every supported dtype to Float32.
    public var tensors: [String: Tensor]
    /// The `__metadata__` entries (empty when the file has none).
    public var metadata: [String: String]

    public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Reads and validates the file at `url`; errors name its path.
    public static func read(contentsOf url: URL) throws -> SafetensorsFile {
        let data: Data
        do {
            // A plain read, not a memory map: a file truncated by another process while mapped
            // would crash with SIGBUS instead of throwing.
            data = try Data(contentsOf: url)
        } catch {
            throw SafetensorsError.readFailed(path: url.path, reason: Self.reason(error))
        }
        return try decode(data, source: url.path)
    }

    /// Parses and validates safetensors bytes. `source` names the bytes in error messages.
    ///
    /// Accepts dtypes F32, F64, F16, BF16, I64, I32 and U8, converting each to Float32. Rejects,
    /// without trapping, anything the format forbids: a short file or header, invalid JSON, missing or
    /// ill-typed fields, duplicate names, a byte range that does not match shape × dtype size, and
    /// data regions that overlap, leave gaps, or do not cover the data buffer exactly.
    public static func decode(_ data: Data, source: String = "<in-memory data>") throws -> SafetensorsFile {
        try data.withUnsafeBytes { try decode(bytes: $0, source: source) }
    }

    /// Serializes `tensors` as F32 in the layout Python's `safetensors` writes: `__metadata__` first
    /// (omitted when empty, keys sorted), tensors in UTF-8 byte order of their names, data back to back,
    /// the header padded with spaces so the data starts 8-byte aligned. For tensors only (or with one
    /// metadata entry) the bytes equal Python's; Python orders several metadata keys arbitrarily.
    ///
    /// - Precondition: no tensor is named `__metadata__`, which the format reserves.
    public static func encode(tensors: [String: Tensor], metadata: [String: String] = [:]) -> Data {
        precondition(tensors["__metadata__"] == nil, "Safetensors: the tensor name '__metadata__' is reserved")
        let byUTF8 = { (a: String, b: String) in a.utf8.lexicographicallyPrecedes(b.utf8) }
        let ordered = tensors.sorted { byUTF8($0.key, $1.key) }
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { byUTF8($0.key, $1.key) }
                .map { jsonString($0.key) + ":" + jsonString($0.value) }
            members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, tensor) in ordered {
            let end = offset + tensor.shape.elementCount * MemoryLayout<Float>.size
            let dims = tensor.shape.dimensions.map(String.init).joined(separator: ",")
            members.append(jsonString(name) + ":{\"dtype\":\"F32\",\"shape\":[\(dims)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + members.joined(separator: ",") + "}").utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in ordered {
            tensor.withUnsafeBufferPointer { values in
                #if _endian(little)
                data.append(values)
                #else
                for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            }
        }
        return data
    }

    /// Writes ``encode(tensors:metadata:)``'s bytes to `url` atomically: the bytes go to a temporary
    /// file in the same directory, are flushed to disk, and the file is renamed over `url`. A crash
    /// leaves either the old file or the new one, never a torn one; on failure the temporary file is
    /// removed and any existing file is untouched. The new file gets default permissions.
    public static func write(tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        let data = encode(tensors: tensors, metadata: metadata)
        // Same directory, so the rename stays within one file system and is atomic.
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafetensorsError.writeFailed(path: url.path, reason: "cannot create a temporary file in its directory")
            }
            PauseHook.reach("safetensors-temporary-created")
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize() // the data must be on disk before the rename publishes it
            } catch {
                try? handle.close()
                throw error
            }
            try handle.close()
            PauseHook.reach("safetensors-temporary-written")
            guard rename(temporary.path, url.path) == 0 else {
                throw SafetensorsError.writeFailed(path: url.path, reason: String(cString: strerror(errno)))
            }
            PauseHook.reach("safetensors-renamed")
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? SafetensorsError { throw error }
            throw SafetensorsError.writeFailed(path: url.path, reason: Self.reason(error))
        }
    }

    // MARK: - Decoding

    private static func decode(bytes: UnsafeRawBufferPointer, source: String) throws -> SafetensorsFile {
        guard bytes.count >= 8 else { throw SafetensorsError.fileTooShort(source: source, byteCount: bytes.count) }
        let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        let available = bytes.count - 8
        // Compare as UInt64 first: converting an arbitrary UInt64 to Int could trap.
        guard headerLength <= UInt64(available) else {
            throw SafetensorsError.headerLengthBeyondFile(source: source, headerLength: headerLength, available: available)
        }
        let dataStart = 8 + Int(headerLength)
        let buffer = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
        let (entries, metadata) = try parseHeader(Array(bytes[8..<dataStart]), bufferLength: buffer.count, source: source)

        // The spec requires the regions, in offset order, to tile the buffer exactly.
        var covered = 0
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard entry.begin == covered else {
                throw SafetensorsError.nonContiguous(source: source, tensor: entry.name, begin: entry.begin, expectedBegin: covered)
            }
            covered = entry.end
        }
        guard covered == buffer.count else {
            throw SafetensorsError.trailingBytes(source: source, coveredBytes: covered, bufferLength: buffer.count)
        }

        var tensors: [String: Tensor] = [:]
        for entry in entries {
            let region = UnsafeRawBufferPointer(rebasing: buffer[entry.begin..<entry.end])
            tensors[entry.name] = Tensor(shape: Shape(entry.shape)) { entry.dtype.convert(region, into: $0) }
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// One validated header entry: a byte range inside the data buffer that matches shape × dtype.
    private struct Entry {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    private static func parseHeader(_ header: [UInt8], bufferLength: Int, source: String) throws -> ([Entry], [String: String]) {
        func invalid(_ reason: String) -> SafetensorsError { .invalidHeader(source: source, reason: reason) }
        guard String(validating: header, as: UTF8.self) != nil else { throw invalid("it is not valid UTF-8") }
        let json: JSONValue
        do { json = try JSONParser.parse(header) } catch let failure as JSONParser.Failure {
            throw invalid(failure.reason)
        }
        guard case .object(let members) = json else { throw invalid("the top level is not a JSON object") }

        var entries: [Entry] = []
        var metadata: [String: String] = [:]
        var seen = Set<String>()
        for (name, value) in members {
            guard seen.insert(name).inserted else { throw SafetensorsError.duplicateName(source: source, name: name) }
            if name == "__metadata__" {
                guard case .object(let pairs) = value else {
                    throw SafetensorsError.invalidMetadata(source: source, reason: "it is not a JSON object")
                }
                for (key, value) in pairs {
                    guard case .string(let text) = value else {
                        throw SafetensorsError.invalidMetadata(source: source, reason: "the value of '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
            } else {
                entries.append(try parseEntry(name: name, value, bufferLength: bufferLength, source: source))
            }
        }
        return (entries, metadata)
    }

    private static func parseEntry(name: String, _ value: JSONValue, bufferLength: Int, source: String) throws -> Entry {
        guard case .object(let fields) = value else {
            throw SafetensorsError.invalidHeader(source: source, reason: "the entry for tensor '\(name)' is not an object")
        }
        func field(_ key: String) throws -> JSONValue {
            guard let value = fields.first(where: { $0.key == key })?.value else {
                throw SafetensorsError.missingField(source: source, tensor: name, field: key)
            }
            return value
        }
        let dtypeValue = try field("dtype"), shapeValue = try field("shape"), offsetsValue = try field("data_offsets")

        guard case .string(let dtypeName) = dtypeValue else {
            throw SafetensorsError.invalidField(source: source, tensor: name, field: "dtype", reason: "it is not a string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unsupportedDType(source: source, tensor: name, dtype: dtypeName)
        }

        func badShape(_ reason: String) -> SafetensorsError { .invalidShape(source: source, tensor: name, reason: reason) }
        guard case .array(let dimensionValues) = shapeValue else { throw badShape("it is not a JSON array") }
        var shape: [Int] = []
        var elementCount = 1
        for value in dimensionValues {
            guard case .number(let literal) = value, let dimension = Int(literal) else {
                throw badShape("a dimension is not an integer")
            }
            guard dimension >= 0 else { throw badShape("dimension \(dimension) is negative") }
            // Checked in file order, as Python's reader does, so Shape.elementCount cannot overflow later.
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw badShape("its element count overflows") }
            shape.append(dimension)
            elementCount = product
        }

        guard case .array(let offsetValues) = offsetsValue, offsetValues.count == 2,
              case .number(let beginLiteral) = offsetValues[0], let begin = Int(beginLiteral), begin >= 0,
              case .number(let endLiteral) = offsetValues[1], let end = Int(endLiteral), end >= 0
        else {
            throw SafetensorsError.invalidField(source: source, tensor: name, field: "data_offsets",
                                                reason: "it is not a pair of non-negative integers")
        }
        let byteCount = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !byteCount.overflow else { throw badShape("its byte size overflows") }
        guard begin <= end, end <= bufferLength else {
            throw SafetensorsError.offsetsOutOfRange(source: source, tensor: name, begin: begin, end: end, bufferLength: bufferLength)
        }
        guard end - begin == byteCount.partialValue else {
            throw SafetensorsError.sizeMismatch(source: source, tensor: name, shape: Shape(shape).description,
                                                dtype: dtypeName, expectedBytes: byteCount.partialValue, actualBytes: end - begin)
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// Foundation's explanation of an I/O error, without its final period (the description adds one).
    private static func reason(_ error: Error) -> String { FileErrorReason.describe(error) }

    /// JSON string literal escaped exactly as serde_json (Python's writer) does, so headers match byte for byte.
    private static func jsonString(_ string: String) -> String {
        var out = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += (scalar.value < 0x10 ? "\\u000" : "\\u00") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The safetensors dtypes this reader converts to Float32 (the writer always emits F32).
private enum SafetensorsDType: String, CaseIterable {
    case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16", i64 = "I64", i32 = "I32", u8 = "U8"

    var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        case .u8: return 1
        }
    }

    /// Converts little-endian `source` (exactly `into.count × byteSize` bytes, any alignment) into `into`.
    func convert(_ source: UnsafeRawBufferPointer, into values: UnsafeMutableBufferPointer<Float>) {
        func load<T: FixedWidthInteger>(_: T.Type, _ index: Int) -> T {
            T(littleEndian: source.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
        }
        switch self {
        case .f32:
            #if _endian(little)
            UnsafeMutableRawBufferPointer(values).copyMemory(from: source) // the common case: one memcpy
            #else
            for i in values.indices { values[i] = Float(bitPattern: load(UInt32.self, i)) }
            #endif
        case .f64: for i in values.indices { values[i] = Float(Double(bitPattern: load(UInt64.self, i))) }
        case .f16: for i in values.indices { values[i] = Float(Float16(bitPattern: load(UInt16.self, i))) }
        case .bf16: for i in values.indices { values[i] = Float(bitPattern: UInt32(load(UInt16.self, i)) << 16) }
        case .i64: for i in values.indices { values[i] = Float(load(Int64.self, i)) }
        case .i32: for i in values.indices { values[i] = Float(load(Int32.self, i)) }
        case .u8: for i in values.indices { values[i] = Float(source[i]) }
        }
    }
}
