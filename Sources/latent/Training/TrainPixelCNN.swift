import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// `latent train pixelcnn`: PixelCNN, the exact-likelihood autoregressive image model; the
/// reference architecture (a 7×7 mask-A layer, 5 residual 3×3 mask-B blocks of 64 channels,
/// Bernoulli logits on images binarized at 0.5) by default.
struct TrainPixelCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixelcnn",
        abstract: "Train a PixelCNN (default: the reference architecture on Fashion-MNIST binarized at 0.5)."
    )

    @Option(help: "fashion-mnist, or a folder with the four MNIST-format files.") var data = "fashion-mnist"
    @Option(help: "Binarize at this threshold (Bernoulli output).") var binarize: Float = 0.5
    @Option(help: "bernoulli (binarized pixels) or categorical (grey levels).") var output = "bernoulli"
    @Option(help: "Grey levels of the categorical output.") var levels = 256
    @Option(help: "Channels of every hidden layer.") var channels = 64
    @Option(help: "Residual blocks (or gated layers) after the first layer.") var blocks = 5
    @Option(help: "Kernel size of the first (mask A) layer; odd.") var firstKernel = 7
    @Option(help: "Kernel size of the later (mask B) layers; odd.") var kernel = 3
    @Flag(help: "The Gated PixelCNN's vertical and horizontal stacks, without the blind spot.") var gated = false
    @Flag(help: "Class-conditional: a learned per-class bias in every layer.") var conditional = false
    @Option(help: "Adam's learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Images per batch.") var batchSize = 128
    @OptionGroup var control: RunControlOptions

    func run() throws {
        let folder = RunFolder(control.out)
        var configuration: PixelCNNConfiguration
        if control.resume {
            configuration = try folder.readPixelCNNConfiguration()
            control.resumed(epochs: &configuration.epochs, threads: &configuration.threads)
        } else {
            try control.checkNewRunFolder(folder)
            configuration = try makeConfiguration()
        }
        ComputeThreads.set(configuration.threads)
        let splits = try DataSource.load(configuration.data, seed: configuration.seed)
        if !control.resume {
            (configuration.imageHeight, configuration.imageWidth) = (splits.training.rows, splits.training.columns)
            if conditional { configuration.classes = splits.training.classCount }
            if !splits.training.intensities.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
                throw CommandError("--data \(configuration.data) has values outside [0, 1], which a PixelCNN cannot model.")
            }
        }
        let model = configuration.makeModel()
        let training = configuration.makeTrainer(model: model)
        if control.resume {
            try control.checkResumable(folder)
            do { try training.loadCheckpoint(from: folder.checkpoint) } catch { throw CommandError("\(error)") }
            try folder.keepMetrics(throughEpoch: training.completedEpochs)
        } else {
            try folder.create()
        }
        try folder.write(configuration)
        try PixelCNNTrainingLoop(configuration: configuration, model: model, training: training, splits: splits, folder: folder).run()
    }

    /// The configuration the flags describe, each flag checked.
    func makeConfiguration() throws -> PixelCNNConfiguration {
        var configuration = PixelCNNConfiguration()
        configuration.data = data
        guard let outputKind = PixelOutputKind(rawValue: output) else {
            throw CommandError("--output must be \(PixelOutputKind.allowedNames), not '\(output)'.")
        }
        switch outputKind {
        case .bernoulli:
            guard binarize > 0 && binarize < 1 else { throw CommandError("--binarize must be between 0 and 1, not \(binarize).") }
            configuration.pixels = .staticBinarization(threshold: binarize)
        case .categorical:
            guard levels >= 2 && levels <= 256 else { throw CommandError("--levels must be from 2 to 256, not \(levels).") }
            configuration.pixels = .continuous
            configuration.levels = levels
        }
        configuration.output = outputKind
        for (flag, value) in [("--channels", channels), ("--blocks", blocks)] where value < 1 {
            throw CommandError("\(flag) must be at least 1, not \(value).")
        }
        for (flag, value) in [("--first-kernel", firstKernel), ("--kernel", kernel)] where value < 1 || value % 2 == 0 {
            throw CommandError("\(flag) must be an odd size such as 3 or 7, not \(value).")
        }
        (configuration.channels, configuration.residualBlocks) = (channels, blocks)
        (configuration.firstKernelSize, configuration.hiddenKernelSize) = (firstKernel, kernel)
        configuration.gated = gated
        guard learningRate > 0 else { throw CommandError("--learning-rate must be positive, not \(learningRate).") }
        configuration.learningRate = learningRate
        guard batchSize >= 1 else { throw CommandError("--batch-size must be at least 1, not \(batchSize).") }
        configuration.batchSize = batchSize
        configuration.epochs = control.epochs ?? 1
        configuration.seed = control.seed
        configuration.threads = control.newRunThreads
        return configuration
    }
}
