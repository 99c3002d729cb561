import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild an image model (VAE, conditional VAE, autoencoder; MLP or
/// convolutional) and its data pipeline: what a run folder's config.json holds. Defaults are
/// PyTorch's examples/vae: 784-400-20, ReLU, Bernoulli, Adam 1e-3, batch 128, continuous pixels,
/// 10 epochs.
public struct VAEConfiguration: Codable, Equatable, Sendable {
    /// The model family: "vae" or "autoencoder".
    public var model = "vae"
    /// The networks: "mlp" (`hiddenSizes`) or "conv" (`channels`, `kernel`, `stride`, `padding`).
    public var architecture = "mlp"
    /// Labels as a one-hot input to encoder and decoder: the conditional VAE p(x|y, z).
    public var conditional = false
    /// "fashion-mnist" or a folder of MNIST-format files.
    public var data = "fashion-mnist"
    public var pixels: PixelHandling = .continuous
    /// Training images held out for validation (0: none).
    public var validationCount = 0
    /// The image size, recorded from the data when training starts.
    public var imageHeight = 28
    public var imageWidth = 28
    /// C for a conditional model (recorded from the data), 0 otherwise.
    public var classCount = 0
    public var latentDimension = 20
    /// The family of q(z|x) and of the standard prior p(z) (VAEs only).
    public var posterior = LatentFamily.gaussian
    public var prior = LatentFamily.gaussian
    public var hiddenSizes = [400]
    /// Output channels of the convolutions, first to last (the decoder mirrors them).
    public var channels = [32, 64]
    public var kernel = 4
    public var stride = 2
    public var padding = 1
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

    /// The reference convolutional VAE (../reference/vae_conv_torch.py): two 4×4 stride-2
    /// convolutions to 32×14×14 and 64×7×7, a 32-d latent. The reference trains it for 3 epochs;
    /// the commands keep the 10-epoch default of every image model.
    public static var convolutionalDefaults: VAEConfiguration {
        var configuration = VAEConfiguration()
        configuration.architecture = "conv"
        configuration.latentDimension = 32
        return configuration
    }

    /// The networks `architecture` names, or nil for an unknown name.
    public var parsedArchitecture: ImageNetworks.Architecture? {
        switch architecture {
        case "mlp": .mlp(hiddenSizes: hiddenSizes)
        case "conv": .convolutional(channels: channels, kernel: kernel, stride: stride, padding: padding)
        default: nil
        }
    }

    /// A short description for logs: "VAE mlp 400→20", "conditional VAE conv 32-64→32".
    public var summary: String {
        let widths = (architecture == "conv" ? channels : hiddenSizes).map(String.init).joined(separator: "-")
        let family = model == "autoencoder" ? "autoencoder" : (conditional ? "conditional VAE" : "VAE")
        let families = model == "autoencoder" || (posterior, prior) == (.gaussian, .gaussian) ? "" : " (\(posterior.rawValue) posterior, \(prior.rawValue) prior)"
        return "\(family) \(architecture) \(widths)→\(latentDimension)" + families
    }

    /// The observation model named by `likelihood`, or nil for an unknown name.
    public var parsedLikelihood: Likelihood? {
        switch likelihood {
        case "bernoulli": .bernoulli
        case "gaussian": .gaussianFixed(variance: gaussianVariance)
        case "gaussian-learned": .gaussianLearned
        default: nil
        }
    }

    /// A new, randomly initialized model for the recorded image size.
    /// - Throws: `ArchitectureError` when the architecture cannot take that image size, or
    ///   `ConfigurationError.unknown` for a name this version does not know.
    public func makeModel() throws -> any LatentImageModel {
        var generator = RandomGenerator(seed: seed)
        guard let networks = parsedArchitecture else { throw ConfigurationError.unknown(key: "architecture", value: architecture) }
        guard let observation = parsedLikelihood else { throw ConfigurationError.unknown(key: "likelihood", value: likelihood) }
        guard let kind = Activation.Kind(rawValue: activation) else { throw ConfigurationError.unknown(key: "activation", value: activation) }
        switch model {
        case "vae":
            return try VAE(architecture: networks, height: imageHeight, width: imageWidth, latentDimension: latentDimension,
                           classCount: conditional ? classCount : 0, activation: kind, likelihood: observation,
                           posterior: posterior, prior: prior, using: &generator)
        case "autoencoder":
            return try Autoencoder(architecture: networks, height: imageHeight, width: imageWidth, latentDimension: latentDimension,
                                   activation: kind, likelihood: observation, using: &generator)
        default:
            throw ConfigurationError.unknown(key: "model", value: model)
        }
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

    /// The one trainer for `model` (made by ``makeModel()``): the configured optimizer, β schedule
    /// and samples of z.
    public func makeTrainer(model: any LatentImageModel) -> Trainer<ImageBatch> {
        // Opened as a concrete type: Swift 6.3 cannot convert the existential to `any GenerativeModel<ImageBatch>`.
        func trainer(_ model: some LatentImageModel) -> Trainer<ImageBatch> {
            Trainer(model: model, optimizer: makeOptimizer(for: model),
                    settings: TrainerSettings(modelName: self.model, seed: seed,
                                              objective: TrainingObjective(kl: KLTerm(schedule: beta), samples: samples)))
        }
        return trainer(model)
    }

    /// A new model and its trainer.
    /// - Throws: what ``makeModel()`` throws.
    public func makeTrainer() throws -> Trainer<ImageBatch> { makeTrainer(model: try makeModel()) }

    /// The training split as the trainer walks it: this configuration's pixel handling and batch size.
    public func trainingData(_ images: ImageSet) -> ImageTrainingData {
        ImageTrainingData(images, pixels: pixels, batchSize: batchSize)
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
    case unknown(key: String, value: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "Cannot read the run configuration \(path)."
        case .invalid(let path, let reason): "The run configuration \(path) is not valid: \(reason)."
        case .unknown(let key, let value): "The run configuration names an unknown \(key) '\(value)'."
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
