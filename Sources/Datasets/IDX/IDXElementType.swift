/// The element type code that is the third byte of every IDX file.
///
/// The IDX format defines six types. This package reads only unsigned bytes, the type of every
/// MNIST-family file; the others are listed so that a file holding them is reported as
/// "unsupported" by name rather than as "not an IDX file".
public enum IDXElementType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case unsignedByte = 0x08
    case signedByte = 0x09
    case int16 = 0x0B
    case int32 = 0x0C
    case float32 = 0x0D
    case float64 = 0x0E

    /// Size of one element in bytes.
    public var byteWidth: Int {
        switch self {
        case .unsignedByte, .signedByte: 1
        case .int16: 2
        case .int32, .float32: 4
        case .float64: 8
        }
    }

    /// A human-readable name with the type code, e.g. `32-bit floats (type 0x0D)`.
    public var description: String {
        let name = switch self {
        case .unsignedByte: "unsigned bytes"
        case .signedByte: "signed bytes"
        case .int16: "16-bit integers"
        case .int32: "32-bit integers"
        case .float32: "32-bit floats"
        case .float64: "64-bit floats"
        }
        return "\(name) (type \(hexByte(rawValue)))"
    }
}

/// Formats a byte as `0x0D`, the way the IDX specification writes type codes.
func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return "0x" + (digits.count < 2 ? "0" + digits : digits)
}
