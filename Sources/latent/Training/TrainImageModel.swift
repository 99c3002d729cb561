import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// `latent train vae`: the VAE of "Auto-Encoding Variational Bayes", with PyTorch's example setup
/// as the defaults; `--conditional` makes it the conditional VAE p(x|y, z).
struct TrainVAE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vae",
        abstract: "Train an MLP variational autoencoder (defaults: PyTorch's examples/vae)."
    )

    @OptionGroup var options: ImageTrainingOptions
    @Flag(help: "Condition encoder and decoder on the label (one-hot): the conditional VAE p(x|y, z).") var conditional = false

    func run() throws {
        var base = VAEConfiguration()
        base.conditional = conditional
        try ImageModelTrainer(options: options, base: base).run()
    }
}

/// `latent train conv-vae`: the convolutional VAE, the reference architecture by default.
struct TrainConvVAE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conv-vae",
        abstract: "Train a convolutional VAE (default: 4×4 stride-2 convolutions to 32×14×14 and 64×7×7, a 32-d latent)."
    )

    @OptionGroup var options: ImageTrainingOptions
    @Flag(help: "Condition encoder and decoder on the label (one-hot): the conditional VAE p(x|y, z).") var conditional = false

    func run() throws {
        var base = VAEConfiguration.convolutionalDefaults
        base.conditional = conditional
        try ImageModelTrainer(options: options, base: base).run()
    }
}

/// `latent train autoencoder`: the deterministic autoencoder, with the VAE's networks.
struct TrainAutoencoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "Train a plain (deterministic) autoencoder with the same encoder and decoder as the VAEs."
    )

    @OptionGroup var options: ImageTrainingOptions
    @Option(help: "mlp or conv.") var architecture = "mlp"

    func run() throws {
        guard let networks = NetworkArchitecture(rawValue: architecture) else {
            throw CommandError("--architecture must be \(NetworkArchitecture.allowedNames), not '\(architecture)'.")
        }
        var base = networks == .conv ? VAEConfiguration.convolutionalDefaults : VAEConfiguration()
        base.model = .autoencoder
        try ImageModelTrainer(options: options, base: base).run()
    }
}

/// What the training commands share: a new run folder or a resumed one, the data, the model, and
/// the loop.
struct ImageModelTrainer {
    let options: ImageTrainingOptions
    let base: VAEConfiguration

    func run() throws {
        let folder = RunFolder(options.run.out)
        try options.run.whileHoldingRunFolder(folder) { try train(in: $0) }
    }

    /// Trains in `folder`, which this process holds.
    func train(in folder: RunFolder) throws {
        let control = options.run
        var configuration = try control.resume ? folder.readConfiguration() : options.configuration(from: base)
        if control.resume {
            try control.resumed(epochs: &configuration.epochs, threads: &configuration.threads, precision: &configuration.precision)
            guard configuration.model == base.model, configuration.conditional == base.conditional,
                  base.model == .autoencoder || configuration.architecture == base.architecture else {
                throw CommandError("Run folder \(control.out) holds a \(configuration.summary); resume it with latent train \(ModelRegistry.trainCommand(configuration)).")
            }
        } else {
            try control.checkNewRunFolder(folder)
        }
        try configuration.checkFlags()
        ComputeThreads.set(configuration.threads)
        let splits = try DataSource.load(configuration.data, imageSize: configuration.imageSize,
                                         validationCount: configuration.validationCount, seed: configuration.seed)
        if control.resume {
            guard splits.channels == configuration.channelCount else {
                throw CommandError("--data \(configuration.data) holds images of \(splits.channels) channels, but the run in \(control.out) models \(configuration.channelCount).")
            }
        } else {
            try options.adapt(&configuration, toChannels: splits.channels)
        }
        if configuration.likelihood == .bernoulli, !splits.training.intensities.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
            throw CommandError("--likelihood bernoulli needs data in [0, 1], but \(configuration.data) has values outside it.")
        }
        if !control.resume {
            (configuration.imageHeight, configuration.imageWidth) = (splits.training.rows, splits.training.columns)
            if configuration.conditional {
                configuration.classCount = splits.training.classCount
                guard configuration.classCount >= 2 else {
                    throw CommandError("--conditional needs labels of at least two classes, but \(configuration.data) has \(configuration.classCount).")
                }
            }
            try splits.checkForTraining(batchSize: configuration.batchSize,
                                        conditionalClasses: configuration.conditional ? configuration.classCount : nil, data: configuration.data)
        }
        try configuration.checkFlags()   // with the image size and classes the data gave
        try MemoryBudget.check(configuration.estimatedTrainingBytes, for: "Training \(configuration.summary) at batch \(configuration.batchSize)",
                               remedy: "choose smaller --hidden, --channels, --latent or --batch-size")
        let model: any LatentImageModel
        do { model = try configuration.makeModel() } catch {
            throw CommandError("--data \(configuration.data): \(error)")
        }
        let training = configuration.makeTrainer(model: model)
        try control.prepare(folder, for: training, configuration: configuration, batchSize: configuration.batchSize)
        let report = ImageModelReport(configuration: configuration, model: model, training: training, splits: splits, folder: folder)
        try EpochRunner(training: training, data: report.trainingData, folder: folder, epochs: configuration.epochs,
                        trainCommand: ModelRegistry.trainCommand(configuration)).run(report: report)
    }
}
