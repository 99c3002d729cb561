import Foundation
import XCTest
@testable import TensorCore

final class SafetensorsTests: XCTestCase {

    // MARK: - Fixtures written by Python's safetensors 0.8.0 (numpy 2.4.6)

    /// Produced by:
    /// ```python
    /// import base64, numpy as np
    /// from safetensors.numpy import save
    /// data = save({"bias": np.array([0.5, -1.0, 3.25], dtype=np.float32),
    ///              "weight": np.array([[1, 2], [3, 4]], dtype=np.float32) / 8},
    ///             metadata={"format": "latent-test"})
    /// print(base64.b64encode(data).decode())
    /// ```
    private static let pythonF32 = """
        oAAAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJsYXRlbnQtdGVzdCJ9LCJiaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlszXSwi\
        ZGF0YV9vZmZzZXRzIjpbMCwxMl19LCJ3ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzIsMl0sImRhdGFfb2Zmc2V0cyI6WzEyLDI4XX19\
        AAAAPwAAgL8AAFBAAAAAPgAAgD4AAMA+AAAAPw==
        """

    /// Produced by:
    /// ```python
    /// data = save({"f64": np.array([1.5, -2.0], dtype=np.float64),
    ///              "f16": np.array([0.25, -65504], dtype=np.float16),
    ///              "i64": np.array([-3, 7], dtype=np.int64),
    ///              "i32": np.array([[100000], [-1]], dtype=np.int32),
    ///              "u8": np.array([0, 255], dtype=np.uint8)})
    /// ```
    /// Python lays these out by descending dtype, not by name: I64, F64, I32, F16, U8.
    private static let pythonMixedDTypes = """
        IAEAAAAAAAB7Imk2NCI6eyJkdHlwZSI6Ikk2NCIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzAsMTZdfSwiZjY0Ijp7ImR0eXBlIjoiRjY0\
        Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMTYsMzJdfSwiaTMyIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsyLDFdLCJkYXRhX29mZnNl\
        dHMiOlszMiw0MF19LCJmMTYiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls0MCw0NF19LCJ1OCI6eyJkdHlwZSI6\
        IlU4Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNDQsNDZdfX0gICD9/////////wcAAAAAAAAAAAAAAAAA+D8AAAAAAAAAwKCGAQD/////\
        ADT/+wD/
        """

    /// Produced by `save({"a\"b\\c\n\x01\u00e9": np.array([2.0], dtype=np.float32)})`: pins the JSON
    /// escaping (serde_json: `\"`, `\\`, `\n`, `\u0001`, raw UTF-8 for é).
    private static let pythonEscapedName = """
        SAAAAAAAAAB7ImFcImJcXGNcblx1MDAwMcOpIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbMCw0XX19ICAAAABA
        """

    private static func bytes(_ base64: String) -> Data {
        guard let data = Data(base64Encoded: base64) else { fatalError("bad base64 fixture") }
        return data
    }

    /// A file with the given header text and data bytes, for hand-made malformed cases.
    private static func file(header: String, data: [UInt8] = []) -> Data {
        var file = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: Array(header.utf8))
        file.append(contentsOf: data)
        return file
    }

    private static func entry(_ name: String, dtype: String = "F32", shape: String, offsets: String) -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    private func bits(_ tensor: Tensor?) -> [UInt32] { tensor?.scalars.map(\.bitPattern) ?? [] }

    /// Asserts that decoding fails with exactly `expected`, and that its description says `mentions`.
    private func assertRejects(_ data: Data, _ expected: SafetensorsError, mentions: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile.decode(data, source: "bad.safetensors"), file: file, line: line) { error in
            XCTAssertEqual(error as? SafetensorsError, expected, file: file, line: line)
            let text = String(describing: error)
            XCTAssertTrue(text.contains("bad.safetensors") && text.contains(mentions),
                          "description \"\(text)\" should name the file and say \"\(mentions)\"", file: file, line: line)
        }
    }

    // MARK: - Round trip

    func testRoundTripPreservesShapesBitsAndMetadata() throws {
        let tensors: [String: Tensor] = [
            "layer.weight": Tensor(shape: [2, 3], scalars: [1, -2.5, 0, -0.0, .infinity, -.infinity]),
            "layer.bias": Tensor(shape: [4], scalars: [.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                                      Float(bitPattern: 0x7FC0_1234), 1e-3]),
            "scale": Tensor(shape: [], scalars: [0.125]),
            "empty": Tensor(shape: [0, 3], scalars: []),
            "cube": Tensor(shape: [1, 2, 1], scalars: [7, 8]),
        ]
        let metadata = ["format": "pt", "note": "héllo \"quoted\"\n"]
        let decoded = try SafetensorsFile.decode(SafetensorsFile.encode(tensors: tensors, metadata: metadata))

        XCTAssertEqual(decoded.metadata, metadata)
        XCTAssertEqual(Set(decoded.tensors.keys), Set(tensors.keys))
        for (name, tensor) in tensors {
            XCTAssertEqual(decoded.tensors[name]?.shape, tensor.shape, name)
            XCTAssertEqual(bits(decoded.tensors[name]), bits(tensor), name) // NaN payload and -0 included
        }
    }

    func testEncodedLayoutIsAlignedSortedAndContiguous() throws {
        let data = SafetensorsFile.encode(tensors: ["b": Tensor(shape: [1], scalars: [2]), "a": Tensor(shape: [2], scalars: [0, 1])])
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0, "data must start 8-byte aligned")
        let header = String(decoding: data.dropFirst(8).prefix(headerLength), as: UTF8.self)
        XCTAssertEqual(header, #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"# + "    ")
        XCTAssertEqual(data.count, 8 + headerLength + 12)
        XCTAssertEqual(SafetensorsFile.encode(tensors: [:]), Self.file(header: "{}      "))
        // Padding is 0...7 spaces, never a whole extra block, whatever the header's length.
        for length in 1...8 {
            let data = SafetensorsFile.encode(tensors: [String(repeating: "n", count: length): Tensor(shape: [], scalars: [1])])
            let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let header = data.dropFirst(8).prefix(headerLength)
            XCTAssertEqual(headerLength % 8, 0)
            XCTAssertEqual(header.reversed().prefix(while: { $0 == UInt8(ascii: " ") }).count, (8 - (52 + length) % 8) % 8)
        }
    }

    // MARK: - Interoperability with Python

    func testDecodesPythonFile() throws {
        let file = try SafetensorsFile.decode(Self.bytes(Self.pythonF32))
        XCTAssertEqual(file.metadata, ["format": "latent-test"])
        XCTAssertEqual(file.tensors["bias"]?.shape, [3])
        XCTAssertEqual(file.tensors["bias"]?.scalars, [0.5, -1.0, 3.25])
        XCTAssertEqual(file.tensors["weight"]?.shape, [2, 2])
        XCTAssertEqual(file.tensors["weight"]?.scalars, [0.125, 0.25, 0.375, 0.5])
    }

    /// Python's layout is deterministic for one metadata entry (it orders several arbitrarily: a Rust
    /// HashMap), so our bytes must equal its bytes exactly.
    func testEncodingIsByteIdenticalToPython() {
        let tensors = ["bias": Tensor(shape: [3], scalars: [0.5, -1.0, 3.25]),
                       "weight": Tensor(shape: [2, 2], scalars: [0.125, 0.25, 0.375, 0.5])]
        XCTAssertEqual(SafetensorsFile.encode(tensors: tensors, metadata: ["format": "latent-test"]), Self.bytes(Self.pythonF32))
        let escaped = ["a\"b\\c\n\u{01}é": Tensor(shape: [1], scalars: [2])]
        XCTAssertEqual(SafetensorsFile.encode(tensors: escaped), Self.bytes(Self.pythonEscapedName))
        XCTAssertEqual(try SafetensorsFile.decode(Self.bytes(Self.pythonEscapedName)).tensors["a\"b\\c\n\u{01}é"]?.scalars, [2])
    }

    func testDecodesOtherDTypesAsFloat32() throws {
        let file = try SafetensorsFile.decode(Self.bytes(Self.pythonMixedDTypes))
        XCTAssertEqual(file.tensors["f64"]?.scalars, [1.5, -2])
        XCTAssertEqual(file.tensors["f16"]?.scalars, [0.25, -65504])
        XCTAssertEqual(file.tensors["i64"]?.scalars, [-3, 7])
        XCTAssertEqual(file.tensors["i32"]?.shape, [2, 1])
        XCTAssertEqual(file.tensors["i32"]?.scalars, [100_000, -1])
        XCTAssertEqual(file.tensors["u8"]?.scalars, [0, 255])
        // numpy has no bfloat16, so this one is by hand: 0x3FC0 is 1.5, 0xC100 is -8.
        let bf16 = Self.file(header: "{" + Self.entry("h", dtype: "BF16", shape: "[2]", offsets: "[0,4]") + "}",
                             data: [0xC0, 0x3F, 0x00, 0xC1])
        XCTAssertEqual(try SafetensorsFile.decode(bf16).tensors["h"]?.scalars, [1.5, -8])
    }

    // MARK: - Malformed input

    func testRejectsTruncatedFileAndHeader() {
        let valid = Self.bytes(Self.pythonF32)
        assertRejects(valid.prefix(5), .fileTooShort(source: "bad.safetensors", byteCount: 5), mentions: "truncated")
        assertRejects(valid.prefix(100), .headerLengthBeyondFile(source: "bad.safetensors", headerLength: 160, available: 92),
                      mentions: "160-byte header")
        var huge = Data(repeating: 0xFF, count: 8)
        huge.append(contentsOf: [0x7B, 0x7D])
        assertRejects(huge, .headerLengthBeyondFile(source: "bad.safetensors", headerLength: .max, available: 2), mentions: "header")
        // Every shorter prefix of a valid file is rejected, none traps.
        for length in 0..<valid.count {
            XCTAssertThrowsError(try SafetensorsFile.decode(valid.prefix(length)), "prefix \(length)")
        }
    }

    func testRejectsHeaderThatIsNotAJSONObject() {
        func invalid(_ reason: String) -> SafetensorsError { .invalidHeader(source: "bad.safetensors", reason: reason) }
        assertRejects(Self.file(header: "{\"a\":"), invalid("unexpected end of JSON at byte 5"), mentions: "invalid JSON header")
        assertRejects(Self.file(header: "[1, 2]"), invalid("the top level is not a JSON object"), mentions: "not a JSON object")
        assertRejects(Self.file(header: "{} x"), invalid("unexpected characters after the JSON value at byte 3"), mentions: "JSON")
        assertRejects(Self.file(header: "{\"a\":01}"), invalid("number with a leading zero at byte 7"), mentions: "leading zero")
        assertRejects(Self.file(header: "{\"a\":\"\\ud800\"}"), invalid("unpaired UTF-16 surrogate at byte 12"), mentions: "surrogate")
        assertRejects(Self.file(header: "{\"x\":5}"), invalid("the entry for tensor 'x' is not an object"), mentions: "'x'")
        var notUTF8 = Self.file(header: "{\"?\":1}")
        notUTF8[10] = 0xFF
        assertRejects(notUTF8, invalid("it is not valid UTF-8"), mentions: "UTF-8")
        let deep = String(repeating: "[", count: 100_000)
        assertRejects(Self.file(header: "{\"a\":" + deep), invalid("nesting deeper than 64 levels at byte 68"), mentions: "nesting")
    }

    func testRejectsMissingAndInvalidFields() {
        let source = "bad.safetensors"
        assertRejects(Self.file(header: #"{"w":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .missingField(source: source, tensor: "w", field: "dtype"), mentions: "missing")
        assertRejects(Self.file(header: #"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .missingField(source: source, tensor: "w", field: "shape"), mentions: "\"shape\"")
        assertRejects(Self.file(header: #"{"w":{"dtype":"F32","shape":[1]}}"#, data: [0, 0, 0, 0]),
                      .missingField(source: source, tensor: "w", field: "data_offsets"), mentions: "\"data_offsets\"")
        assertRejects(Self.file(header: #"{"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
                      .invalidField(source: source, tensor: "w", field: "dtype", reason: "it is not a string"), mentions: "dtype")
        for offsets in ["[0]", "[0,4,4]", "[-1,4]", "[0,4.0]", "[0,true]", "[0,99999999999999999999]", "\"0,4\""] {
            assertRejects(Self.file(header: "{" + Self.entry("w", shape: "[1]", offsets: offsets) + "}", data: [0, 0, 0, 0]),
                          .invalidField(source: source, tensor: "w", field: "data_offsets",
                                        reason: "it is not a pair of non-negative integers"), mentions: "data_offsets")
        }
    }

    func testRejectsUnsupportedDType() {
        assertRejects(Self.file(header: "{" + Self.entry("q", dtype: "F8_E4M3", shape: "[2]", offsets: "[0,2]") + "}", data: [0, 0]),
                      .unsupportedDType(source: "bad.safetensors", tensor: "q", dtype: "F8_E4M3"), mentions: "unsupported dtype 'F8_E4M3'")
    }

    func testRejectsInvalidShape() {
        func shape(_ shape: String, _ reason: String) {
            assertRejects(Self.file(header: "{" + Self.entry("s", shape: shape, offsets: "[0,0]") + "}"),
                          .invalidShape(source: "bad.safetensors", tensor: "s", reason: reason), mentions: "invalid shape")
        }
        shape("[2,-1]", "dimension -1 is negative")
        shape("[2.5]", "a dimension is not an integer")
        shape("[\"2\"]", "a dimension is not an integer")
        shape("{}", "it is not a JSON array")
        shape("[4294967296,4294967296,0]", "its element count overflows")
        shape("[2305843009213693952]", "its byte size overflows")
    }

    func testRejectsOffsetsOutOfRangeAndSizeMismatch() {
        let source = "bad.safetensors"
        assertRejects(Self.file(header: "{" + Self.entry("w", shape: "[2]", offsets: "[0,8]") + "}", data: [0, 0, 0, 0]),
                      .offsetsOutOfRange(source: source, tensor: "w", begin: 0, end: 8, bufferLength: 4), mentions: "out of range")
        assertRejects(Self.file(header: "{" + Self.entry("w", shape: "[0]", offsets: "[4,0]") + "}", data: [0, 0, 0, 0]),
                      .offsetsOutOfRange(source: source, tensor: "w", begin: 4, end: 0, bufferLength: 4), mentions: "[4, 0]")
        assertRejects(Self.file(header: "{" + Self.entry("w", shape: "[2,3]", offsets: "[0,8]") + "}", data: Array(repeating: 0, count: 8)),
                      .sizeMismatch(source: source, tensor: "w", shape: "[2, 3]", dtype: "F32", expectedBytes: 24, actualBytes: 8),
                      mentions: "size mismatch")
    }

    func testRejectsOverlapsGapsAndTrailingBytes() {
        let source = "bad.safetensors"
        let overlap = "{" + Self.entry("a", shape: "[2]", offsets: "[0,8]") + "," + Self.entry("b", shape: "[2]", offsets: "[4,12]") + "}"
        assertRejects(Self.file(header: overlap, data: Array(repeating: 0, count: 12)),
                      .nonContiguous(source: source, tensor: "b", begin: 4, expectedBegin: 8), mentions: "overlaps")
        let gap = "{" + Self.entry("a", shape: "[1]", offsets: "[0,4]") + "," + Self.entry("b", shape: "[1]", offsets: "[8,12]") + "}"
        assertRejects(Self.file(header: gap, data: Array(repeating: 0, count: 12)),
                      .nonContiguous(source: source, tensor: "b", begin: 8, expectedBegin: 4), mentions: "gap")
        let one = "{" + Self.entry("a", shape: "[1]", offsets: "[0,4]") + "}"
        assertRejects(Self.file(header: one, data: Array(repeating: 0, count: 6)),
                      .trailingBytes(source: source, coveredBytes: 4, bufferLength: 6), mentions: "trailing bytes")
    }

    func testRejectsDuplicateNamesAndInvalidMetadata() {
        let source = "bad.safetensors"
        let entry = Self.entry("w", shape: "[0]", offsets: "[0,0]")
        assertRejects(Self.file(header: "{" + entry + "," + entry + "}"), .duplicateName(source: source, name: "w"), mentions: "duplicate")
        assertRejects(Self.file(header: #"{"__metadata__":{"epoch":3}}"#),
                      .invalidMetadata(source: source, reason: "the value of 'epoch' is not a string"), mentions: "__metadata__")
        assertRejects(Self.file(header: #"{"__metadata__":[]}"#),
                      .invalidMetadata(source: source, reason: "it is not a JSON object"), mentions: "__metadata__")
    }

    /// Random byte flips of a valid file must throw or decode, never trap.
    func testCorruptedBytesNeverTrap() {
        let valid = [UInt8](Self.bytes(Self.pythonMixedDTypes))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int { state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407; return Int(state >> 33) }
        for _ in 0..<500 {
            var corrupted = valid
            for _ in 0..<(1 + next() % 3) { corrupted[next() % corrupted.count] = UInt8(truncatingIfNeeded: next()) }
            _ = try? SafetensorsFile.decode(Data(corrupted))
        }
    }

    // MARK: - Files

    func testWriteReplacesExistingFileAtomically() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try Data("old contents".utf8).write(to: url)

        let tensors = ["w": Tensor(shape: [2], scalars: [3, 4])]
        try SafetensorsFile.write(tensors: tensors, metadata: ["step": "10"], to: url)
        XCTAssertEqual(try Data(contentsOf: url), SafetensorsFile.encode(tensors: tensors, metadata: ["step": "10"]))
        let read = try SafetensorsFile.read(contentsOf: url)
        XCTAssertEqual(read.tensors["w"]?.scalars, [3, 4])
        XCTAssertEqual(read.metadata, ["step": "10"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["model.safetensors"],
                       "no temporary file may be left behind")

        // Renaming over a non-empty directory fails: the error names the path, the target is untouched,
        // and the temporary file is cleaned up.
        let blocked = directory.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("child"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try SafetensorsFile.write(tensors: tensors, to: blocked)) { error in
            guard case .writeFailed(let path, _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, blocked.path)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted(), ["blocked", "model.safetensors"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: blocked.path), ["child"])
    }

    func testReadNamesMissingFileAndDecodeErrorsNamePath() throws {
        let missing = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x.safetensors")
        XCTAssertThrowsError(try SafetensorsFile.read(contentsOf: missing)) { error in
            guard case .readFailed(let path, _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, missing.path)
            XCTAssertTrue(String(describing: error).contains(missing.path))
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("short-\(UUID().uuidString).safetensors")
        try Data([1, 2, 3]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try SafetensorsFile.read(contentsOf: url)) { error in
            XCTAssertEqual(error as? SafetensorsError, .fileTooShort(source: url.path, byteCount: 3))
        }
    }
}
