import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// `latent train pixelcnn`: PixelCNN, the exact-likelihood autoregressive image model; the
/// reference architecture (a 7×7 mask-A layer, 5 residual 3×3 mask-B blocks of 64 channels,
/// Bernoulli logits on images binarized at 0.5) by default; on colour data the reference colour
/// model (96 channels in R, G, B groups, a 256-way categorical per sub-pixel, batch 32).
struct TrainPixelCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixelcnn",
        abstract: "Train a PixelCNN (default: the reference architecture on Fashion-MNIST binarized at 0.5)."
    )

    @OptionGroup var pixelData: PixelDataOptions
    @Option(help: "Channels of every hidden layer (default 64; 96 on colour images, a multiple of 3).") var channels: Int?
    @Option(help: "Residual blocks (or gated layers) after the first layer.") var blocks = 5
    @Option(help: "Kernel size of the first (mask A) layer; odd.") var firstKernel = 7
    @Option(help: "Kernel size of the later (mask B) layers; odd.") var kernel = 3
    @Flag(help: "The Gated PixelCNN's vertical and horizontal stacks, without the blind spot (grey images only).") var gated = false
    @Flag(help: "Class-conditional: a learned per-class bias in every layer.") var conditional = false
    @Option(help: "Adam's learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Images per batch (default 128; 32 on colour images).") var batchSize: Int?
    @OptionGroup var control: RunControlOptions

    func run() throws {
        try LikelihoodModelTrainer(control: control, makeConfiguration: { try makeConfiguration(imageChannels: $0) }, conditional: conditional).run()
    }

    /// The configuration the flags describe for images of `imageChannels` channels, each flag checked.
    func makeConfiguration(imageChannels: Int) throws -> PixelCNNConfiguration {
        var configuration = PixelCNNConfiguration()
        try pixelData.apply(to: &configuration, imageChannels: imageChannels)
        let colour = imageChannels == 3
        let channels = self.channels ?? (colour ? PixelCNNConfiguration.colourChannels : configuration.channels)
        let batchSize = self.batchSize ?? (colour ? PixelCNNConfiguration.colourBatchSize : configuration.batchSize)
        for (flag, value) in [("--channels", channels), ("--blocks", blocks)] where value < 1 {
            throw CommandError("\(flag) must be at least 1, not \(value).")
        }
        for (flag, value) in [("--first-kernel", firstKernel), ("--kernel", kernel)] where value < 1 || value % 2 == 0 {
            throw CommandError("\(flag) must be an odd size such as 3 or 7, not \(value).")
        }
        (configuration.channels, configuration.residualBlocks) = (channels, blocks)
        (configuration.firstKernelSize, configuration.hiddenKernelSize) = (firstKernel, kernel)
        if colour && gated {
            throw CommandError("--gated applies to grey images, but --data \(pixelData.data) holds colour images; the colour PixelCNN has the residual body.")
        }
        if colour && channels % 3 != 0 {
            throw CommandError("--channels must be a multiple of 3 on colour images (one group each for R, G and B), not \(channels).")
        }
        configuration.gated = gated
        if colour { configuration.centredInput = true }   // as the reference colour model reads its bytes
        try PixelDataOptions.applyOptimization(learningRate: learningRate, batchSize: batchSize, control: control, to: &configuration)
        return configuration
    }
}
