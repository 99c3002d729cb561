import Foundation
import TensorCore

/// A training checkpoint in one safetensors file: the model's parameters under `model.<name>`, the
/// optimizer's state under `optimizer.<name>`, and small facts (step counts, random-generator
/// state, …) as string metadata. Written to a temporary file and renamed, so a crash never leaves
/// a torn checkpoint; loaded strictly, so a checkpoint of another model is an error naming the key.
public enum Checkpoint {
    static let formatKey = "format"
    static let formatValue = "latent-checkpoint-1"
    static let optimizerStepKey = "optimizer.step_count"

    /// Writes `model`, `optimizer` and `metadata` to `url` atomically.
    public static func save(model: any Module, optimizer: (any Optimizer)?, metadata: [String: String] = [:], to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in model.namedParameters { tensors["model.\(name)"] = tensor }
        var allMetadata = metadata
        allMetadata[formatKey] = formatValue
        if let optimizer {
            for (name, tensor) in optimizer.stateTensors { tensors["optimizer.\(name)"] = tensor }
            allMetadata[optimizerStepKey] = String(optimizer.stepCount)
        }
        try SafetensorsFile.write(tensors: tensors, metadata: allMetadata, to: url)
    }

    /// Loads a checkpoint into `model` (and `optimizer`, when given) and returns its metadata.
    /// Nothing is changed unless everything matches.
    public static func load(from url: URL, into model: any Module, optimizer: (any Optimizer)? = nil) throws -> [String: String] {
        try load(try SafetensorsFile.read(contentsOf: url), source: url.path, into: model, optimizer: optimizer)
    }

    /// Loads a checkpoint already read into memory; `source` names it in errors.
    public static func load(_ file: SafetensorsFile, source: String, into model: any Module,
                            optimizer: (any Optimizer)? = nil) throws -> [String: String] {
        guard file.metadata[formatKey] == formatValue else {
            throw CheckpointError.notACheckpoint(path: source)
        }
        var modelTensors: [String: Tensor] = [:], optimizerTensors: [String: Tensor] = [:]
        for (key, tensor) in file.tensors {
            if key.hasPrefix("model.") { modelTensors[String(key.dropFirst(6))] = tensor }
            else if key.hasPrefix("optimizer.") { optimizerTensors[String(key.dropFirst(10))] = tensor }
            else { throw ModuleLoadingError.unexpectedKey(key, source: source) }
        }
        // The model is checked first (its keys make the clearest message) and written last, once
        // the optimizer's state has been checked and loaded too.
        try model.checkParameters(modelTensors, source: source)
        if let optimizer {
            guard let stepText = file.metadata[optimizerStepKey], let step = Int(stepText) else {
                throw CheckpointError.missingMetadata(path: source, key: optimizerStepKey)
            }
            try optimizer.loadState(optimizerTensors, stepCount: step, source: source)
        }
        try model.loadParameters(modelTensors, source: source)
        return file.metadata
    }
}

/// A file that is a safetensors file but not a Latent checkpoint, or lacks a needed fact.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case notACheckpoint(path: String)
    case missingMetadata(path: String, key: String)

    public var description: String {
        switch self {
        case .notACheckpoint(let path):
            return "\(path) is not a Latent checkpoint (its metadata has no format \"\(Checkpoint.formatValue)\")."
        case .missingMetadata(let path, let key):
            return "\(path) has no metadata entry '\(key)'."
        }
    }
}

/// A checkpoint's metadata read back with types: integers written with `String(_:)`, and Doubles
/// written exactly as their bit patterns. A missing or malformed key names the file and the key.
public struct CheckpointMetadata {
    public let values: [String: String]
    /// The checkpoint file, for messages.
    public let path: String

    public init(_ values: [String: String], path: String) {
        self.values = values
        self.path = path
    }

    public func integer<T: FixedWidthInteger>(_ key: String) throws -> T {
        guard let text = values[key], let value = T(text) else { throw CheckpointError.missingMetadata(path: path, key: key) }
        return value
    }

    /// A Double stored by ``exact(_:)``, bit for bit.
    public func exactDouble(_ key: String) throws -> Double { Double(bitPattern: try integer(key)) }

    /// A Double as metadata text that ``exactDouble(_:)`` reads back bit for bit.
    public static func exact(_ value: Double) -> String { String(value.bitPattern) }

    /// A random stream as the two entries NAME_seed and NAME_counter, which ``generator(named:)``
    /// reads back: the stream then continues exactly where it was.
    public static func entries(of generator: RandomGenerator, named name: String) -> [String: String] {
        ["\(name)_seed": String(generator.seed), "\(name)_counter": String(generator.counter)]
    }

    /// The random stream that ``entries(of:named:)`` wrote.
    public func generator(named name: String) throws -> RandomGenerator {
        RandomGenerator(seed: try integer("\(name)_seed"), counter: try integer("\(name)_counter"))
    }
}
