import ArgumentParser
import GenerativeModels

/// The one place that maps each model family to what the command line does with it: the
/// `latent train` subcommands that make its runs, the subcommand that resumes one, and how its run
/// folder opens for the other commands. A new family adds its entries here and nowhere else in
/// the commands.
enum ModelRegistry {
    /// The `latent train` subcommands, in the order `latent train --help` lists them.
    static let trainCommands: [any ParsableCommand.Type] = [
        TrainVAE.self, TrainConvVAE.self, TrainAutoencoder.self, TrainPixelCNN.self, TrainPixelRNN.self, TrainIndependentPixels.self,
        TrainSentenceVAE.self, TrainRNNLM.self,
    ]

    /// Opens the trained run in `path`, with a clear error when it is not one.
    static func open(_ path: String, threads: Int?) throws -> any TrainedRun {
        switch try RunFolder(path).family() {
        case .vae, .autoencoder: try LoadedRun(path, threads: threads)
        case .pixelCNN: try LikelihoodRun<PixelCNNConfiguration>(path, threads: threads)
        case .pixelRNN: try LikelihoodRun<PixelRNNConfiguration>(path, threads: threads)
        case .independentPixels: try LikelihoodRun<IndependentPixelsConfiguration>(path, threads: threads)
        case .sentenceVAE, .rnnLanguageModel: try SentenceRun(path, threads: threads)
        }
    }

    /// The `latent train` subcommand, with the flags that choose the model, that makes and resumes
    /// runs of this configuration: "conv-vae --conditional", "autoencoder --architecture conv".
    static func trainCommand(_ configuration: VAEConfiguration) -> String {
        switch (configuration.model, configuration.architecture) {
        case (.autoencoder, .mlp): name(TrainAutoencoder.self)
        case (.autoencoder, .conv): name(TrainAutoencoder.self) + " --architecture conv"
        case (_, .mlp): name(TrainVAE.self) + (configuration.conditional ? " --conditional" : "")
        case (_, .conv): name(TrainConvVAE.self) + (configuration.conditional ? " --conditional" : "")
        }
    }

    static func trainCommand(_ configuration: some ExactLikelihoodConfiguration) -> String {
        switch configuration.model {
        case .independentPixels: name(TrainIndependentPixels.self)
        case .pixelRNN: name(TrainPixelRNN.self)
        default: name(TrainPixelCNN.self)
        }
    }

    static func trainCommand(_ configuration: SentenceVAEConfiguration) -> String {
        name(configuration.isVariational ? TrainSentenceVAE.self : TrainRNNLM.self)
    }

    private static func name(_ command: any ParsableCommand.Type) -> String {
        command.configuration.commandName ?? "\(command)"
    }
}
