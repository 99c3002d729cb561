import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild a VAE and its data pipeline: what a run folder's config.json holds.
/// Defaults are PyTorch's examples/vae: 784-400-20, ReLU, Bernoulli, Adam 1e-3, batch 128,
/// continuous pixels, 10 epochs.
public struct VAEConfiguration: Codable, Equatable, Sendable {
    /// The model family; "vae" for this configuration.
    public var model = "vae"
    /// "fashion-mnist" or a folder of MNIST-format files.
    public var data = "fashion-mnist"
    public var pixels: PixelHandling = .continuous
    /// Training images held out for validation (0: none).
    public var validationCount = 0
    public var latentDimension = 20
    public var hiddenSizes = [400]
    public var activation = Activation.Kind.relu.rawValue
    /// "bernoulli", "gaussian" (fixed variance) or "gaussian-learned".
    public var likelihood = "bernoulli"
    /// σ² of the fixed-variance Gaussian likelihood.
    public var gaussianVariance: Float = 0.1
    /// L, the samples of z per example in the SGVB estimator.
    public var samples = 1
    public var beta: BetaSchedule = .constant(1)
    /// "adam", "adamw", "adagrad" or "sgd".
    public var optimizer = "adam"
    public var learningRate: Float = 1e-3
    public var momentum: Float = 0
    public var weightDecay: Float = 0
    public var batchSize = 128
    public var epochs = 10
    public var seed: UInt64 = 1
    public var threads = 2

    public init() {}

    /// The observation model named by `likelihood`, or nil for an unknown name.
    public var parsedLikelihood: Likelihood? {
        switch likelihood {
        case "bernoulli": .bernoulli
        case "gaussian": .gaussianFixed(variance: gaussianVariance)
        case "gaussian-learned": .gaussianLearned
        default: nil
        }
    }

    /// A new, randomly initialized model for data of `dataDimension` pixels.
    public func makeModel(dataDimension: Int) -> VAE {
        var generator = RandomGenerator(seed: seed)
        return VAE(dataDimension: dataDimension, hiddenSizes: hiddenSizes, latentDimension: latentDimension,
                   activation: Activation.Kind(rawValue: activation) ?? .relu,
                   likelihood: parsedLikelihood ?? .bernoulli, using: &generator)
    }

    /// The optimizer named by `optimizer` over `model`'s parameters.
    public func makeOptimizer(for model: any Module) -> any Optimizer {
        let parameters = model.namedParameters
        switch optimizer {
        case "adamw": return Adam.adamW(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case "adagrad": return Adagrad(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case "sgd": return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        default: return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// Reads a config.json, naming the file in any error.
    public static func read(from url: URL) throws -> VAEConfiguration {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ConfigurationError.unreadable(path: url.path)
        }
        do { return try JSONDecoder.snakeCase.decode(VAEConfiguration.self, from: data) } catch {
            throw ConfigurationError.invalid(path: url.path, reason: "\(error)")
        }
    }

    /// config.json text: sorted keys, snake_case, one key per line.
    public func encoded() throws -> Data { try JSONEncoder.snakeCase.encode(self) }
}

/// A config.json that cannot be used.
public enum ConfigurationError: Error, CustomStringConvertible {
    case unreadable(path: String)
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "Cannot read the run configuration \(path)."
        case .invalid(let path, let reason): "The run configuration \(path) is not valid: \(reason)."
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
