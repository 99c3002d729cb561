import ArgumentParser
import GenerativeModels

/// `latent train pixelrnn`: PixelRNN, the autoregressive image model whose layers are spatial
/// LSTMs; the reference architecture (the Row LSTM, 7 residual layers of 16 units after a 7×7
/// mask-A convolution, Bernoulli logits on images binarized at 0.5, batch 16) by default; on colour
/// data the colour model (R, G, B channel groups, 48 state channels, a 256-way categorical per
/// sub-pixel).
struct TrainPixelRNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pixelrnn",
        abstract: "Train a PixelRNN, Row LSTM or Diagonal BiLSTM (default: the reference Row LSTM on Fashion-MNIST binarized at 0.5)."
    )

    @OptionGroup var pixelData: PixelDataOptions
    @Option(help: "The recurrent layer: row (Row LSTM) or diagonal (Diagonal BiLSTM).") var layer = "row"
    @Option(help: "Residual LSTM layers.") var layers = 7
    @Option(help: "State channels of every LSTM; the residual stream has twice as many (default 16; 48 on colour images, a multiple of 3).")
    var hidden: Int?
    @Option(help: "Kernel size of the mask-A input convolution; odd.") var inputKernel = 7
    @Option(help: "Adam's learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Images per batch.") var batchSize = 16
    @OptionGroup var control: RunControlOptions

    func run() throws {
        try LikelihoodModelTrainer(control: control, makeConfiguration: { try makeConfiguration(imageChannels: $0) }).run()
    }

    /// The configuration the flags describe for images of `imageChannels` channels, each flag checked.
    func makeConfiguration(imageChannels: Int) throws -> PixelRNNConfiguration {
        var configuration = PixelRNNConfiguration()
        try pixelData.apply(to: &configuration, imageChannels: imageChannels)
        guard let kind = PixelRNNLayerKind(rawValue: layer) else {
            throw CommandError("--layer must be \(PixelRNNLayerKind.allowedNames), not '\(layer)'.")
        }
        let colour = imageChannels == 3
        let hidden = self.hidden ?? (colour ? PixelRNNConfiguration.colourHidden : configuration.hidden)
        if colour && hidden % 3 != 0 {
            throw CommandError("--hidden must be a multiple of 3 on colour images (one group each for R, G and B), not \(hidden).")
        }
        configuration.layer = kind
        (configuration.layers, configuration.hidden, configuration.inputKernelSize) = (layers, hidden, inputKernel)
        try PixelDataOptions.applyOptimization(learningRate: learningRate, batchSize: batchSize, control: control, to: &configuration)
        return configuration
    }
}
