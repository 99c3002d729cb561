import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// `latent train vae`: the VAE of "Auto-Encoding Variational Bayes", with PyTorch's example setup
/// as the defaults.
struct TrainVAE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Train an MLP variational autoencoder (defaults: PyTorch's examples/vae)."
    )

    @Option(help: "fashion-mnist, or a folder with the four MNIST-format files.") var data = "fashion-mnist"
    @Option(help: "Pixel handling: continuous, static or dynamic (binarization).") var pixels = "continuous"
    @Option(help: "Threshold for --pixels static.") var threshold: Float = 0.5
    @Option(help: "Training images to hold out for validation.") var validation = 0
    @Option(help: "Latent dimensions.") var latent = 20
    @Option(help: "Hidden layer widths, comma-separated (the decoder mirrors them).") var hidden = "400"
    @Option(help: "relu, leaky-relu, elu, sigmoid, tanh or softplus.") var activation = "relu"
    @Option(help: "bernoulli, gaussian (fixed variance) or gaussian-learned.") var likelihood = "bernoulli"
    @Option(help: "Variance of the fixed Gaussian likelihood.") var variance: Float = 0.1
    @Option(help: "Samples of z per example (L).") var samples = 1
    @Option(help: "KL weight β (the maximum, for schedules).") var beta: Float = 1
    @Option(help: "constant, linear, sigmoid or cyclical.") var betaSchedule = "constant"
    @Option(help: "Steps of the β warm-up (linear), midpoint (sigmoid) or period (cyclical).") var betaSteps = 1000
    @Option(help: "Slope of the sigmoid β schedule.") var betaSlope: Float = 0.0025
    @Option(help: "adam, adamw, adagrad or sgd.") var optimizer = "adam"
    @Option(help: "Learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Momentum for sgd.") var momentum: Float = 0
    @Option(help: "Weight decay (L2 for adam/adagrad/sgd, decoupled for adamw).") var weightDecay: Float = 0
    @Option(help: "Examples per batch.") var batchSize = 128
    @Option(help: "Epochs in total (with --resume: the new total).") var epochs: Int?
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Threads for BLAS and elementwise loops (default 2; with --resume, the run's).") var threads: Int?
    @Option(help: "Run folder to create.") var out: String
    @Flag(help: "Continue the run in --out from its checkpoint.") var resume = false

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1.") }
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs must be at least 1.") }
    }

    func run() throws {
        let folder = RunFolder(out)
        var configuration = try resume ? folder.readConfiguration() : makeConfiguration()
        if resume, let epochs { configuration.epochs = epochs }
        if resume, let threads { configuration.threads = threads }
        if !resume && folder.isNonEmpty {
            throw CommandError("Run folder \(out) already exists; pass --resume to continue it, or choose another --out.")
        }
        ComputeThreads.set(configuration.threads)
        let splits = try DataSource.load(configuration.data, validationCount: configuration.validationCount, seed: configuration.seed)
        if configuration.likelihood == "bernoulli", !splits.training.intensities.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw CommandError("--likelihood bernoulli needs data in [0, 1], but \(configuration.data) has values outside it.")
        }
        let training = VAETraining(configuration: configuration, dataDimension: splits.training.dimension)
        if resume {
            guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else {
                throw CommandError("Cannot resume \(out): it has no checkpoint.safetensors.")
            }
            do { try training.loadCheckpoint(from: folder.checkpoint) } catch { throw CommandError("\(error)") }
            try folder.keepMetrics(throughEpoch: training.completedEpochs)
            try folder.write(configuration)   // records a new --epochs or --threads
        } else {
            try folder.create()
            try folder.write(configuration)
        }
        try TrainingLoop(training: training, splits: splits, folder: folder).run()
    }

    /// The configuration the flags describe, with each flag value checked.
    func makeConfiguration() throws -> VAEConfiguration {
        var configuration = VAEConfiguration()
        configuration.data = data
        guard let pixelHandling = PixelHandling(name: pixels, threshold: threshold) else {
            throw CommandError("--pixels must be continuous, static or dynamic, not '\(pixels)'.")
        }
        configuration.pixels = pixelHandling
        configuration.validationCount = validation
        guard latent >= 1 else { throw CommandError("--latent must be at least 1, not \(latent).") }
        configuration.latentDimension = latent
        let widths = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw CommandError("--hidden must list positive widths separated by commas, like 400 or 512,256, not '\(hidden)'.")
        }
        configuration.hiddenSizes = widths.compactMap { $0 }
        guard Activation.Kind(rawValue: activation) != nil else {
            throw CommandError("--activation must be one of \(Activation.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(activation)'.")
        }
        configuration.activation = activation
        configuration.likelihood = likelihood
        configuration.gaussianVariance = variance
        guard configuration.parsedLikelihood != nil else {
            throw CommandError("--likelihood must be bernoulli, gaussian or gaussian-learned, not '\(likelihood)'.")
        }
        guard variance > 0 else { throw CommandError("--variance must be positive, not \(variance).") }
        guard samples >= 1 else { throw CommandError("--samples must be at least 1, not \(samples).") }
        configuration.samples = samples
        configuration.beta = try betaScheduleValue()
        guard ["adam", "adamw", "adagrad", "sgd"].contains(optimizer) else {
            throw CommandError("--optimizer must be adam, adamw, adagrad or sgd, not '\(optimizer)'.")
        }
        configuration.optimizer = optimizer
        guard learningRate > 0 else { throw CommandError("--learning-rate must be positive, not \(learningRate).") }
        configuration.learningRate = learningRate
        configuration.momentum = momentum
        configuration.weightDecay = weightDecay
        guard batchSize >= 1 else { throw CommandError("--batch-size must be at least 1, not \(batchSize).") }
        configuration.batchSize = batchSize
        configuration.epochs = epochs ?? 10
        configuration.seed = seed
        configuration.threads = threads ?? 2
        return configuration
    }

    func betaScheduleValue() throws -> BetaSchedule {
        guard beta >= 0 else { throw CommandError("--beta must not be negative, not \(beta).") }
        switch betaSchedule {
        case "constant": return .constant(beta)
        case "linear": return .linear(maximum: beta, steps: betaSteps)
        case "sigmoid": return .sigmoid(maximum: beta, midpoint: betaSteps, slope: betaSlope)
        case "cyclical": return .cyclical(maximum: beta, period: betaSteps, rampFraction: 0.5)
        default: throw CommandError("--beta-schedule must be constant, linear, sigmoid or cyclical, not '\(betaSchedule)'.")
        }
    }
}
