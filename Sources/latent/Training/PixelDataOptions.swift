import ArgumentParser
import GenerativeModels

/// The data flags of the exact-likelihood image models (`train pixelcnn`, `train pixelrnn`, `train
/// independent-pixels`): the data folder and how its pixels become the output distribution's values.
/// On colour data every sub-pixel has a 256-way categorical, and the flags of grey pixels are refused.
struct PixelDataOptions: ParsableArguments {
    @Option(help: "fashion-mnist, or a folder of MNIST-format files, CIFAR-10 batches (data_batch_1.bin …) or PNG/JPEG images in one subfolder per class.") var data = "fashion-mnist"
    @Option(help: "Scale and centre-crop every image of an image folder to N×N (needed when their sizes differ).") var imageSize: Int?
    @Option(help: "Binarize at this threshold (Bernoulli output; default 0.5; grey images only).") var binarize: Float?
    @Option(help: "bernoulli (binarized pixels) or categorical (grey levels) (default: bernoulli on grey images, categorical per sub-pixel on colour ones).")
    var output: String?
    @Option(help: "Grey levels of the categorical output (colour images: 256).") var levels = 256

    /// Writes the data, pixel handling and output distribution into `configuration`, each flag
    /// checked. `imageChannels` is 3 when the data are colour images: then the output is a 256-way
    /// categorical per sub-pixel and the flags of grey pixels are refused.
    func apply(to configuration: inout some ExactLikelihoodConfiguration, imageChannels: Int = 1) throws {
        configuration.data = DataPath.stored(data)
        configuration.imageSize = imageSize   // checked with the configuration
        let output = self.output ?? (imageChannels == 3 ? PixelOutputKind.categorical.rawValue : PixelOutputKind.bernoulli.rawValue)
        guard let outputKind = PixelOutputKind(rawValue: output) else {
            throw CommandError("--output must be \(PixelOutputKind.allowedNames), not '\(output)'.")
        }
        if imageChannels == 3 {
            let greyOnly = binarize.map { "--binarize \($0)" } ?? (outputKind == .bernoulli ? "--output bernoulli" : nil)
                ?? (levels != 256 ? "--levels \(levels)" : nil)
            if let greyOnly {
                throw CommandError("\(greyOnly) applies to grey images, but --data \(data) holds colour images, whose every sub-pixel has 256 levels.")
            }
            configuration.channelsPerPixel = 3
        }
        switch outputKind {
        case .bernoulli:
            let binarize = self.binarize ?? 0.5
            guard binarize > 0 && binarize < 1 else { throw CommandError("--binarize must be between 0 and 1, not \(binarize).") }
            configuration.pixels = .staticBinarization(threshold: binarize)
        case .categorical:
            guard levels >= 2 && levels <= 256 else { throw CommandError("--levels must be from 2 to 256, not \(levels).") }
            configuration.pixels = .continuous
            configuration.levels = levels
        }
        configuration.output = outputKind
    }

    /// Writes the optimization flags and the run's epochs, seed, threads and precision into `configuration`,
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
        configuration.precision = control.newRunPrecision
    }
}
