import ArgumentParser

/// `latent complete RUN`: the top rows of test images given, the rest drawn by a PixelCNN.
struct Complete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Complete test images from their top rows with a PixelCNN: one grid row per image, "
            + "the original, the given part, then the completions."
    )

    @OptionGroup var options: RunOptions
    @Option(help: "Test images to complete (the first N).") var count = 8
    @Option(help: "Completions per image.") var samples = 4
    @Option(help: "Image rows given (default: the top half).") var rows: Int?
    @Option(help: "Output PNG (default: RUN/images/completions.png).") var out: String?

    func run() throws {
        guard count >= 1, samples >= 1 else { throw CommandError("--count and --samples must be at least 1.") }
        let run = try ModelRegistry.open(options.run, threads: options.threads)
        guard let run = run as? any CompletingRun else { throw run.lacks("completes images (a PixelCNN)", command: "complete") }
        print(try run.complete(count: count, samples: samples, rows: rows, seed: options.seed, out: out).path)
    }
}
