import Foundation

/// A parsed JSON value. Objects keep every member in file order, so duplicate names stay visible
/// (Foundation's parsers silently keep one); numbers keep their literal, converted where an integer is due.
indirect enum JSONValue {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null
}

/// A strict RFC 8259 parser for safetensors headers, with a nesting limit so hostile input cannot
/// overflow the stack. The input must already be valid UTF-8.
struct JSONParser {
    struct Failure: Error { let reason: String }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maxDepth = 64

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected characters after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func failure(_ reason: String) -> Failure { Failure(reason: "\(reason) at byte \(index)") }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func consume(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of JSON") }
        for (literal, value) in [("true", JSONValue.bool(true)), ("false", .bool(false)), ("null", .null)]
        where bytes[index...].starts(with: literal.utf8) {
            index += literal.utf8.count
            return value
        }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["): return try container()
        case UInt8(ascii: "\""): return .string(try string())
        default: return .number(try number())
        }
    }

    /// An object or an array, whose opening bracket is at `index`.
    private mutating func container() throws -> JSONValue {
        let isObject = bytes[index] == UInt8(ascii: "{")
        guard depth < Self.maxDepth else { throw failure("nesting deeper than \(Self.maxDepth) levels") }
        depth += 1
        defer { depth -= 1 }
        index += 1
        var members: [(key: String, value: JSONValue)] = [], elements: [JSONValue] = []
        skipWhitespace()
        if !consume(isObject ? "}" : "]") {
            repeat {
                if isObject {
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard consume(":") else { throw failure("expected ':' after an object key") }
                    members.append((key, try value()))
                } else {
                    elements.append(try value())
                }
                skipWhitespace()
            } while consume(",")
            guard consume(isObject ? "}" : "]") else { throw failure(isObject ? "expected ',' or '}'" : "expected ',' or ']'") }
        }
        return isObject ? .object(members) : .array(elements)
    }

    /// A string literal whose opening quote is at `index`.
    private mutating func string() throws -> String {
        index += 1
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"): try escape(into: &utf8)
            case ..<0x20: throw failure("unescaped control character in a string")
            default: utf8.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func escape(into utf8: inout [UInt8]) throws {
        guard index < bytes.count else { throw failure("unterminated string") }
        let byte = bytes[index]
        index += 1
        let simple: [UInt8: UInt8] = [0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09]
        if let replacement = simple[byte] { utf8.append(replacement); return }
        guard byte == UInt8(ascii: "u") else { throw failure("invalid escape sequence") }
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code) { // a high surrogate must be followed by a low one
            guard consume("\\"), consume("u") else { throw failure("unpaired UTF-16 surrogate") }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired UTF-16 surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired UTF-16 surrogate") }
        utf8.append(contentsOf: String(scalar).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else {
                throw failure("invalid \\u escape")
            }
            code = code << 4 | UInt32(digit)
            index += 1
        }
        return code
    }

    /// A number literal: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws -> String {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        _ = consume("-")
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { throw failure("expected a JSON value") }
        guard integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw failure("number with a leading zero") }
        if consume("."), digits() == 0 { throw failure("expected digits after '.'") }
        if consume("e") || consume("E") {
            _ = consume("+") || consume("-")
            guard digits() > 0 else { throw failure("expected digits in an exponent") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }
}
