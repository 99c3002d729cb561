import Datasets
import NN
import TensorCore

/// A configuration field that takes one of a fixed set of names: stored in config.json as its raw
/// value, so run folders read the same as when the field was a string, and decoded once, with one
/// error that names the key, the value and the names allowed.
public protocol ConfigurationChoice: RawRepresentable, CaseIterable, Codable, Sendable, CustomStringConvertible where RawValue == String {}

extension ConfigurationChoice {
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: name) else {
            throw ConfigurationError.unknown(key: decoder.codingPath.last.map { snakeCase($0.stringValue) } ?? "value", value: name,
                                             allowed: Self.allCases.map(\.rawValue))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The name as config.json and the flags spell it.
    public var description: String { rawValue }

    /// The names allowed, for messages: "mlp or conv", "adam, adamw, adagrad or sgd".
    public static var allowedNames: String {
        let names = allCases.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}

/// A camelCase coding key as config.json spells it.
private func snakeCase(_ key: String) -> String {
    key.reduce(into: "") { result, character in
        if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
    }
}

extension ModelFamily: ConfigurationChoice {}
extension Activation.Kind: ConfigurationChoice {}
extension SentenceSplitting: ConfigurationChoice {}
extension GEMMPrecision: ConfigurationChoice {}

/// The networks of an image model with a latent code.
public enum NetworkArchitecture: String, ConfigurationChoice {
    /// Fully connected layers (`hiddenSizes`).
    case mlp
    /// Strided convolutions (`channels`, `kernel`, `stride`, `padding`), mirrored by the decoder.
    case conv
}

/// The observation model p(x|z) of an image model with a latent code.
public enum LikelihoodKind: String, ConfigurationChoice {
    case bernoulli
    /// A Gaussian of fixed variance.
    case gaussian
    /// A Gaussian whose per-pixel variance is learned.
    case gaussianLearned = "gaussian-learned"
    /// PixelCNN++'s discretized logistic mixture over the 256 levels of each value.
    case logisticMixture = "logistic-mixture"
    /// A softmax over the 256 levels of each value.
    case categorical

    /// Whether the likelihood is a probability mass over 8-bit levels (the data's bytes).
    public var isDiscreteOverLevels: Bool { self == .logisticMixture || self == .categorical }
}

/// The optimizer of an image model's training.
public enum OptimizerKind: String, ConfigurationChoice {
    case adam, adamw, adagrad, sgd
}

/// The output distribution of each PixelCNN pixel.
public enum PixelOutputKind: String, ConfigurationChoice {
    /// Binarized pixels, one logit each.
    case bernoulli
    /// Grey levels, a softmax over them.
    case categorical
}
