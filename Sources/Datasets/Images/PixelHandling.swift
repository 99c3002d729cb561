import TensorCore

/// How 8-bit pixels become model inputs. Named in every config and metrics line, because the
/// figures are not comparable across choices: only binarized pixels have a discrete likelihood
/// (and so bits/dim); Bernoulli cross-entropy on continuous intensities is a training convenience.
public enum PixelHandling: Equatable, Sendable {
    /// Intensities p/255 in [0, 1], as PyTorch's VAE example uses them.
    case continuous
    /// 1 where p/255 > threshold, else 0, once and for all.
    case staticBinarization(threshold: Float)
    /// Each training pixel drawn as Bernoulli(p/255) anew every time it is used (seeded); the
    /// test set is binarized once with a fixed seed so evaluations compare.
    case dynamicBinarization

    /// The name used on the command line and in configs: `continuous`, `static`, `dynamic`.
    public var name: String {
        switch self {
        case .continuous: "continuous"
        case .staticBinarization: "static"
        case .dynamicBinarization: "dynamic"
        }
    }

    /// A description for logs and metrics, e.g. "static binarization at 0.5".
    public var summary: String {
        switch self {
        case .continuous: "continuous intensities in [0, 1]"
        case .staticBinarization(let threshold): "static binarization at \(threshold)"
        case .dynamicBinarization: "dynamic binarization (test set binarized once, seed \(PixelHandling.testBinarizationSeed))"
        }
    }

    /// Whether the pixels are 0/1, so that a likelihood of discrete data (and bits/dim) is meaningful.
    public var isDiscrete: Bool { self != .continuous }

    /// The seed of the one-time binarization of evaluation images under dynamic binarization.
    public static let testBinarizationSeed: UInt64 = 0x7E57

    /// Parses a command-line name; `threshold` applies to `static`.
    public init?(name: String, threshold: Float = 0.5) {
        switch name {
        case "continuous": self = .continuous
        case "static": self = .staticBinarization(threshold: threshold)
        case "dynamic": self = .dynamicBinarization
        default: return nil
        }
    }
}

extension PixelHandling: Codable {
    private enum CodingKeys: String, CodingKey { case kind, threshold }

    /// Written as {"kind": "static", "threshold": 0.5}: readable, and stable across Swift versions.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .kind)
        if case .staticBinarization(let threshold) = self { try container.encode(threshold, forKey: .threshold) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let threshold = try container.decodeIfPresent(Float.self, forKey: .threshold) ?? 0.5
        guard let handling = PixelHandling(name: kind, threshold: threshold) else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container,
                                                   debugDescription: "unknown pixel handling '\(kind)'")
        }
        self = handling
    }
}
