import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild an image model (VAE, conditional VAE, autoencoder; MLP or
/// convolutional) and its data pipeline: what a run folder's config.json holds. Defaults are
/// PyTorch's examples/vae: 784-400-20, ReLU, Bernoulli, Adam 1e-3, batch 128, continuous pixels,
/// 10 epochs.
public struct VAEConfiguration: Codable, Equatable, Sendable, RecordsTrainingPrecision {
    /// The model family: a VAE or an autoencoder.
    public var model = ModelFamily.vae
    /// The networks: MLP (`hiddenSizes`) or convolutional (`channels`, `kernel`, `stride`, `padding`).
    public var architecture = NetworkArchitecture.mlp
    /// Labels as a one-hot input to encoder and decoder: the conditional VAE p(x|y, z).
    public var conditional = false
    /// "fashion-mnist", or a folder of MNIST-format files, CIFAR-10 batches or class subfolders of images.
    public var data = "fashion-mnist"
    /// N when an image folder's images are scaled and centre-cropped to N×N (`--image-size`); nil,
    /// and absent from config.json, when the images are used at their own size.
    public var imageSize: Int?
    public var pixels: PixelHandling = .continuous
    /// Training images held out for validation (0: none).
    public var validationCount = 0
    /// The image size, recorded from the data when training starts.
    public var imageHeight = 28
    public var imageWidth = 28
    /// 3 for colour images (R, G, B planes), recorded from the data when training starts; nil, and
    /// absent from config.json, for grey images (one channel), as in runs written before colour.
    public var imageChannels: Int?
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
    public var activation = Activation.Kind.relu
    /// Bernoulli, Gaussian of fixed variance, Gaussian with learned variance, or a discrete
    /// likelihood over 8-bit levels (logistic mixture, categorical).
    public var likelihood = LikelihoodKind.bernoulli
    /// K, the logistics of the discretized logistic mixture; nil, and absent from config.json, for
    /// the other likelihoods.
    public var mixtureComponents: Int?
    /// σ² of the fixed-variance Gaussian likelihood.
    public var gaussianVariance: Float = 0.1
    /// L, the samples of z per example in the SGVB estimator.
    public var samples = 1
    public var beta: BetaSchedule = .constant(1)
    /// Free bits λ in nats per latent dimension (``KLTerm``); nil or 0 for none. Absent (nil) in
    /// configs written before image models had them.
    public var freeBits: Float?
    public var optimizer = OptimizerKind.adam
    public var learningRate: Float = 1e-3
    public var momentum: Float = 0
    public var weightDecay: Float = 0
    public var batchSize = 128
    public var epochs = 10
    public var seed: UInt64 = 1
    public var threads = 2
    /// The GEMM precision of the training steps; nil (fp32) in runs written before it was recorded.
    public var precision: GEMMPrecision?

    public init() {}

    /// The reference convolutional VAE (../reference/vae_conv_torch.py): two 4×4 stride-2
    /// convolutions to 32×14×14 and 64×7×7, a 32-d latent. The reference trains it for 3 epochs;
    /// the commands keep the 10-epoch default of every image model.
    public static var convolutionalDefaults: VAEConfiguration {
        var configuration = VAEConfiguration()
        configuration.architecture = .conv
        configuration.latentDimension = 32
        return configuration
    }

    /// The networks `architecture` names, with their sizes.
    public var networks: ImageNetworks.Architecture {
        switch architecture {
        case .mlp: .mlp(hiddenSizes: hiddenSizes)
        case .conv: .convolutional(channels: channels, kernel: kernel, stride: stride, padding: padding)
        }
    }

    /// A short description for logs: "VAE mlp 400→20", "conditional VAE conv 32-64→32".
    public var summary: String {
        let widths = (architecture == .conv ? channels : hiddenSizes).map(String.init).joined(separator: "-")
        let family = model == .autoencoder ? "autoencoder" : (conditional ? "conditional VAE" : "VAE")
        let families = model == .autoencoder || (posterior, prior) == (.gaussian, .gaussian) ? "" : " (\(posterior.rawValue) posterior, \(prior.rawValue) prior)"
        return "\(family) \(architecture.rawValue) \(widths)→\(latentDimension)" + families
    }

    /// K when a logistic mixture is chosen without one: PixelCNN++ uses 5 per sub-pixel group.
    public static let defaultMixtureComponents = 5

    /// Whether the figures are −log of a probability mass, so bits/dim apply: binarized pixels, or a
    /// likelihood over 8-bit levels.
    public var isDiscrete: Bool { pixels.isDiscrete || likelihood.isDiscreteOverLevels }

    /// C, the channels of an image: 1 unless recorded.
    public var channelCount: Int { imageChannels ?? 1 }

    /// The observation model `likelihood` names.
    public var observationModel: Likelihood {
        switch likelihood {
        case .bernoulli: .bernoulli
        case .gaussian: .gaussianFixed(variance: gaussianVariance)
        case .gaussianLearned: .gaussianLearned
        case .logisticMixture: .discretizedLogisticMixture(components: mixtureComponents ?? Self.defaultMixtureComponents)
        case .categorical: .categorical
        }
    }

    /// A new, randomly initialized model for the recorded image size.
    /// - Throws: `ArchitectureError` when the architecture cannot take that image size, or
    ///   `ConfigurationError.unknown` for a family that is not an image model with a latent code.
    public func makeModel() throws -> any LatentImageModel {
        var generator = RandomGenerator(seed: seed)
        if let freeBits, freeBits > 0, model != .vae || (posterior, prior) != (.gaussian, .gaussian) {
            throw ConfigurationError.inconsistent(reason: "free_bits needs a VAE with a Gaussian posterior and prior")
        }
        if model == .autoencoder, channelCount != 1 {
            throw ConfigurationError.inconsistent(reason: "image_channels \(channelCount) needs a VAE; the autoencoder models grey images")
        }
        switch model {
        case .vae:
            return try VAE(architecture: networks, imageChannels: channelCount, height: imageHeight, width: imageWidth, latentDimension: latentDimension,
                           classCount: conditional ? classCount : 0, activation: activation, likelihood: observationModel,
                           posterior: posterior, prior: prior, using: &generator)
        case .autoencoder:
            return try Autoencoder(architecture: networks, height: imageHeight, width: imageWidth, latentDimension: latentDimension,
                                   activation: activation, likelihood: observationModel, using: &generator)
        default:
            throw ConfigurationError.unknown(key: "model", value: model.rawValue, allowed: [ModelFamily.vae, .autoencoder].map(\.rawValue))
        }
    }

    /// The optimizer named by `optimizer` over `model`'s parameters.
    public func makeOptimizer(for model: any Module) -> any Optimizer {
        let parameters = model.namedParameters
        switch optimizer {
        case .adamw: return Adam.adamW(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adagrad: return Adagrad(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }

    /// The one trainer for `model` (made by ``makeModel()``): the configured optimizer, β schedule
    /// and samples of z.
    public func makeTrainer(model: any LatentImageModel) -> Trainer<ImageBatch> {
        // Opened as a concrete type: Swift 6.3 cannot convert the existential to `any GenerativeModel<ImageBatch>`.
        func trainer(_ model: some LatentImageModel) -> Trainer<ImageBatch> {
            Trainer(model: model, optimizer: makeOptimizer(for: model),
                    settings: TrainerSettings(modelName: self.model.rawValue, seed: seed, precision: trainingPrecision,
                                              objective: TrainingObjective(kl: KLTerm(schedule: beta, freeBits: freeBits ?? 0), samples: samples)))
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
    public static func read(from url: URL) throws -> VAEConfiguration { try ConfigurationFile.read(from: url) }

    /// config.json text: sorted keys, snake_case, one key per line.
    public func encoded() throws -> Data { try JSONEncoder.snakeCase.encode(self) }
}
