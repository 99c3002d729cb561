import ArgumentParser
import GenerativeModels

/// `latent train independent-pixels`: the baseline p(x) = Π_i p(x_i), every pixel on its own,
/// on the PixelCNN's data by default, so the two likelihoods compare directly; on colour data every
/// sub-pixel on its own, a 256-way categorical each.
struct TrainIndependentPixels: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "independent-pixels",
        abstract: "Train the independent-pixels baseline p(x) = Π p(x_i) (default: Fashion-MNIST binarized at 0.5)."
    )

    @OptionGroup var pixelData: PixelDataOptions
    @Option(help: "Adam's learning rate.") var learningRate: Float = 0.05
    @Option(help: "Images per batch.") var batchSize = 128
    @OptionGroup var control: RunControlOptions

    func run() throws {
        try LikelihoodModelTrainer(control: control, makeConfiguration: { try makeConfiguration(imageChannels: $0) }).run()
    }

    /// The configuration the flags describe, each flag checked.
    func makeConfiguration(imageChannels: Int) throws -> IndependentPixelsConfiguration {
        var configuration = IndependentPixelsConfiguration()
        try pixelData.apply(to: &configuration, imageChannels: imageChannels)
        try PixelDataOptions.applyOptimization(learningRate: learningRate, batchSize: batchSize, control: control, to: &configuration)
        return configuration
    }
}
