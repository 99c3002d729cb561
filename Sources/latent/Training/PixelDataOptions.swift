import ArgumentParser
import GenerativeModels

/// The data flags of the exact-likelihood image models (`train pixelcnn`, `train
/// independent-pixels`): the data folder and how its pixels become the output distribution's values.
struct PixelDataOptions: ParsableArguments {
    @Option(help: "fashion-mnist, or a folder of MNIST-format files, CIFAR-10 batches (data_batch_1.bin …) or PNG/JPEG images in one subfolder per class.") var data = "fashion-mnist"
    @Option(help: "Scale and centre-crop every image of an image folder to N×N (needed when their sizes differ).") var imageSize: Int?
    @Option(help: "Binarize at this threshold (Bernoulli output).") var binarize: Float = 0.5
    @Option(help: "bernoulli (binarized pixels) or categorical (grey levels).") var output = "bernoulli"
    @Option(help: "Grey levels of the categorical output.") var levels = 256

    /// Writes the data, pixel handling and output distribution into `configuration`, each flag checked.
    func apply(to configuration: inout some ExactLikelihoodConfiguration) throws {
        configuration.data = DataPath.stored(data)
        configuration.imageSize = imageSize   // checked with the configuration
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
    }

    /// Writes the optimization flags and the run's epochs, seed and threads into `configuration`,
    /// each checked.
    static func applyOptimization(learningRate: Float, batchSize: Int, control: RunControlOptions,
                                  to configuration: inout some ExactLikelihoodConfiguration) throws {
        guard learningRate > 0 else { throw CommandError("--learning-rate must be positive, not \(learningRate).") }
        configuration.learningRate = learningRate
        guard batchSize >= 1 else { throw CommandError("--batch-size must be at least 1, not \(batchSize).") }
        configuration.batchSize = batchSize
        configuration.epochs = control.epochs ?? 1
        configuration.seed = control.seed
        configuration.threads = control.newRunThreads
    }
}
