import ArgumentParser
import Datasets
import GenerativeModels
import NN

/// The flags every image-model training command takes (`latent train vae`, `conv-vae`,
/// `autoencoder`). Flags whose default depends on the model are optional here and fall back to
/// that model's configuration.
struct ImageTrainingOptions: ParsableArguments {
    @Option(help: "fashion-mnist, or a folder of MNIST-format files, CIFAR-10 batches (data_batch_1.bin …) or PNG/JPEG images in one subfolder per class.") var data = "fashion-mnist"
    @Option(help: "Scale and centre-crop every image of an image folder to N×N (needed when their sizes differ).") var imageSize: Int?
    @Option(help: "Pixel handling: continuous, static or dynamic (binarization).") var pixels = "continuous"
    @Option(help: "Threshold for --pixels static.") var threshold: Float = 0.5
    @Option(help: "Training images to hold out for validation.") var validation = 0
    @Option(help: "Latent dimensions (default: 20 for MLPs, 32 for convolutional models).") var latent: Int?
    @Option(help: "MLP hidden layer widths, comma-separated (the decoder mirrors them).") var hidden = "400"
    @Option(help: "Convolution output channels, comma-separated (the decoder mirrors them).") var channels = "32,64"
    @Option(help: "Convolution kernel size.") var kernel = 4
    @Option(help: "Convolution stride.") var stride = 2
    @Option(help: "Convolution padding.") var padding = 1
    @Option(help: "relu, leaky-relu, elu, sigmoid, tanh or softplus.") var activation = "relu"
    @Option(help: "Family of q(z|x): gaussian, laplace, logistic or gumbel.") var posterior = "gaussian"
    @Option(help: "Family of the standard prior p(z): gaussian, laplace, logistic or gumbel.") var prior = "gaussian"
    @Option(help: "bernoulli, gaussian (fixed variance), gaussian-learned, logistic-mixture or categorical (over the 256 levels of each value); default: bernoulli for grey images, logistic-mixture for colour.") var likelihood: String?
    @Option(help: "Logistics per value in --likelihood logistic-mixture (default: 5).") var mixtures: Int?
    @Option(help: "Variance of the fixed Gaussian likelihood.") var variance: Float = 0.1
    @Option(help: "Samples of z per example (L).") var samples = 1
    @Option(help: "KL weight β (the maximum, for schedules).") var beta: Float = 1
    @Option(help: "constant, linear, sigmoid or cyclical.") var betaSchedule = "constant"
    @Option(help: "Steps of the β warm-up (linear), midpoint (sigmoid) or period (cyclical).") var betaSteps = 1000
    @Option(help: "Slope of the sigmoid β schedule.") var betaSlope: Float = 0.0025
    @Option(help: "Free bits λ, nats per latent dimension (0: off); for a VAE with Gaussian posterior and prior.") var freeBits: Float = 0
    @Option(help: "adam, adamw, adagrad or sgd.") var optimizer = "adam"
    @Option(help: "Learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Momentum for sgd.") var momentum: Float = 0
    @Option(help: "Weight decay (L2 for adam/adagrad/sgd, decoupled for adamw).") var weightDecay: Float = 0
    @Option(help: "Examples per batch.") var batchSize = 128
    @OptionGroup var run: RunControlOptions

    /// `base` (the model family, architecture and conditioning) completed by the flags, each checked.
    func configuration(from base: VAEConfiguration) throws -> VAEConfiguration {
        var configuration = base
        configuration.data = DataPath.stored(data)
        configuration.imageSize = imageSize   // checked with the configuration
        guard threshold.isFinite, threshold > 0, threshold < 1 else {
            throw CommandError("--threshold must lie between 0 and 1, not \(threshold).")
        }
        guard let pixelHandling = PixelHandling(name: pixels, threshold: threshold) else {
            throw CommandError("--pixels must be continuous, static or dynamic, not '\(pixels)'.")
        }
        configuration.pixels = pixelHandling
        guard validation >= 0 else { throw CommandError("--validation must not be negative, not \(validation).") }
        configuration.validationCount = validation
        if let latent {
            guard latent >= 1 else { throw CommandError("--latent must be at least 1, not \(latent).") }
            configuration.latentDimension = latent
        }
        configuration.hiddenSizes = try Self.positiveList(hidden, flag: "--hidden", example: "400 or 512,256")
        configuration.channels = try Self.positiveList(channels, flag: "--channels", example: "32,64")
        for (flag, value, least) in [("--kernel", kernel, 1), ("--stride", stride, 1), ("--padding", padding, 0)] where value < least {
            throw CommandError("\(flag) must be at least \(least), not \(value).")
        }
        (configuration.kernel, configuration.stride, configuration.padding) = (kernel, stride, padding)
        guard let activationKind = Activation.Kind(rawValue: activation) else {
            throw CommandError("--activation must be one of \(Activation.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(activation)'.")
        }
        configuration.activation = activationKind
        do {
            configuration.posterior = try LatentFamily.named(posterior, option: "--posterior")
            configuration.prior = try LatentFamily.named(prior, option: "--prior")
        } catch { throw CommandError("\(error)") }
        if configuration.model == .autoencoder, (configuration.posterior, configuration.prior) != (.gaussian, .gaussian) {
            throw CommandError("--posterior and --prior need a VAE; an autoencoder's code is a point with no distribution.")
        }
        // A Gumbel density falls off as exp(−e^(−z)) on the left, faster than a Laplace or logistic
        // tail: with such a posterior the KL is infinite once the scale reaches 1.
        if [.laplace, .logistic].contains(configuration.posterior), configuration.prior == .gumbel {
            throw CommandError("--posterior \(posterior) with --prior gumbel has an infinite KL divergence for scales of 1 and above; choose another pair.")
        }
        let likelihoodKind: LikelihoodKind
        if let likelihood {
            guard let named = LikelihoodKind(rawValue: likelihood) else {
                throw CommandError("--likelihood must be \(LikelihoodKind.allowedNames), not '\(likelihood)'.")
            }
            likelihoodKind = named
        } else {
            likelihoodKind = base.likelihood   // until the data say whether they are colour (``adapt(_:toChannels:)``)
        }
        configuration.likelihood = likelihoodKind
        configuration.gaussianVariance = variance
        if configuration.model == .autoencoder, likelihoodKind == .gaussianLearned || likelihoodKind.isDiscreteOverLevels {
            throw CommandError("--likelihood \(likelihoodKind) needs a VAE; an autoencoder takes bernoulli or gaussian.")
        }
        if let mixtures {
            guard likelihoodKind == .logisticMixture || likelihood == nil else {
                throw CommandError("--mixtures applies to --likelihood logistic-mixture, not \(likelihoodKind).")
            }
            guard mixtures >= 1 else { throw CommandError("--mixtures must be at least 1, not \(mixtures).") }
        }
        if likelihoodKind.isDiscreteOverLevels, pixelHandling != .continuous {
            throw CommandError("--likelihood \(likelihoodKind) models the 256 levels of each value; it takes --pixels continuous, not \(pixels).")
        }
        guard variance > 0 else { throw CommandError("--variance must be positive, not \(variance).") }
        guard samples >= 1 else { throw CommandError("--samples must be at least 1, not \(samples).") }
        configuration.samples = samples
        configuration.beta = try .fromFlags(maximum: beta, schedule: betaSchedule, steps: betaSteps, slope: betaSlope)
        guard freeBits >= 0 else { throw CommandError("--free-bits must not be negative, not \(freeBits).") }
        if freeBits > 0 {
            guard configuration.model == .vae, (configuration.posterior, configuration.prior) == (.gaussian, .gaussian) else {
                throw CommandError("--free-bits needs a VAE with a Gaussian posterior and prior, whose KL per latent dimension has a closed form.")
            }
            configuration.freeBits = freeBits
        }
        guard let optimizerKind = OptimizerKind(rawValue: optimizer) else {
            throw CommandError("--optimizer must be \(OptimizerKind.allowedNames), not '\(optimizer)'.")
        }
        configuration.optimizer = optimizerKind
        guard learningRate > 0 else { throw CommandError("--learning-rate must be positive, not \(learningRate).") }
        configuration.learningRate = learningRate
        configuration.momentum = momentum
        configuration.weightDecay = weightDecay
        guard batchSize >= 1 else { throw CommandError("--batch-size must be at least 1, not \(batchSize).") }
        configuration.batchSize = batchSize
        configuration.epochs = run.epochs ?? base.epochs
        configuration.seed = run.seed
        configuration.threads = run.newRunThreads
        configuration.precision = run.newRunPrecision
        return configuration
    }

    /// A comma-separated list of positive integers.
    static func positiveList(_ text: String, flag: String, example: String) throws -> [Int] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw CommandError("\(flag) must list positive integers separated by commas, like \(example), not '\(text)'.")
        }
        return values.compactMap { $0 }
    }
}

extension ImageTrainingOptions {
    /// Completes a new run's configuration once the data's channels are known: colour images take
    /// a discrete likelihood over their 8-bit levels (the logistic mixture unless `--likelihood`
    /// says categorical) and refuse the flags that only mean something for grey images, in one
    /// sentence; grey images keep every default they always had.
    func adapt(_ configuration: inout VAEConfiguration, toChannels channels: Int) throws {
        if channels == 3 {
            guard configuration.model == .vae else {
                throw CommandError("--data \(data) holds colour images; `latent train \(ModelRegistry.trainCommand(configuration))` models grey images.")
            }
            guard configuration.pixels == .continuous else {
                throw CommandError("--pixels \(pixels) binarizes grey images; colour images keep their 8-bit levels (--pixels continuous).")
            }
            if let likelihood, !configuration.likelihood.isDiscreteOverLevels {
                throw CommandError("--likelihood \(likelihood) models grey intensities; colour images take logistic-mixture or categorical.")
            }
            if likelihood == nil { configuration.likelihood = .logisticMixture }
            configuration.imageChannels = channels
        }
        if let mixtures, configuration.likelihood != .logisticMixture {
            throw CommandError("--mixtures \(mixtures) applies to --likelihood logistic-mixture, not \(configuration.likelihood).")
        }
        if configuration.likelihood == .logisticMixture {
            configuration.mixtureComponents = mixtures ?? VAEConfiguration.defaultMixtureComponents
        }
    }
}
