import ArgumentParser
import DataParallel

/// `latent`: train, evaluate, sample and draw deep generative models.
@main
struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latent",
        abstract: "Deep generative models: train, evaluate, sample and draw.",
        subcommands: [Train.self, Evaluate.self, Sample.self, Reconstruct.self, Manifold.self, Interpolate.self, Encode.self,
                      Attribute.self, Scatter.self, Complete.self, Generate.self, Homotopy.self, Report.self]
    )

    /// Parses the command line with negative option values joined to their options
    /// (``NegativeNumberArguments``), then runs the command.
    /// Started by mpirun as one of several processes, it runs as one rank of a data parallel
    /// training (``DataParallelRun``); otherwise MPI is never touched.
    static func main() {
        let arguments = NegativeNumberArguments.joined(Array(CommandLine.arguments.dropFirst()))
        if MPIProcessGroup.launchedSize > 1 { DataParallelRun.main(arguments) }
        main(arguments)
    }
}

/// `latent train MODEL`: one subcommand per model family.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model and write a run folder (config, checkpoint, metrics, images).",
        subcommands: ModelRegistry.trainCommands
    )
}
