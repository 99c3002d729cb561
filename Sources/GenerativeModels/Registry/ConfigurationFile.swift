import Foundation

/// Reading and writing a run folder's config.json, for every configuration type.
public enum ConfigurationFile {
    /// Reads a config.json, naming the file in any error; an unknown name in a field with a fixed
    /// set of values is named with its key and the values allowed.
    public static func read<Configuration: Decodable & CheckedConfiguration>(from url: URL, as type: Configuration.Type = Configuration.self) throws -> Configuration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigurationError.unreadable(path: url.path)
        }
        return try decode(data, as: type, source: url.path)
    }

    /// The configuration in config.json's bytes, checked; `source` names them in errors.
    public static func decode<Configuration: Decodable & CheckedConfiguration>(_ data: Data, as type: Configuration.Type = Configuration.self,
                                                                               source: String) throws -> Configuration {
        do {
            let configuration = try JSONDecoder.snakeCase.decode(Configuration.self, from: data)
            try configuration.check()
            return configuration
        } catch ConfigurationError.unknown(let key, let value, let allowed) {
            throw ConfigurationError.invalid(path: source, reason: "its \(key) is '\(value)', which must be one of \(allowed.joined(separator: ", "))")
        } catch ConfigurationError.outOfRange(let key, _, let value, let allowed) {
            throw ConfigurationError.invalid(path: source, reason: "its \(key) must be \(allowed), not \(value)")
        } catch {
            throw ConfigurationError.invalid(path: source, reason: "\(error)")
        }
    }
}

/// A config.json that cannot be used.
public enum ConfigurationError: Error, CustomStringConvertible {
    case unreadable(path: String)
    case invalid(path: String, reason: String)
    case unknown(key: String, value: String, allowed: [String])
    case inconsistent(reason: String)
    /// A number out of its bounds; `key` names it in config.json and `flag` on the command line.
    case outOfRange(key: String, flag: String, value: String, allowed: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "Cannot read the run configuration \(path)."
        case .invalid(let path, let reason): "The run configuration \(path) is not valid: \(reason)."
        case .inconsistent(let reason): "The run configuration is inconsistent: \(reason)."
        case .outOfRange(let key, _, let value, let allowed): "The run configuration's \(key) must be \(allowed), not \(value)."
        case .unknown(let key, let value, let allowed):
            "The run configuration names an unknown \(key) '\(value)'; it must be one of \(allowed.joined(separator: ", "))."
        }
    }
}

extension JSONEncoder {
    /// Sorted, indented, snake_case keys: what Latent writes for people and scripts to read.
    public static var snakeCase: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }
}

extension JSONDecoder {
    public static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
