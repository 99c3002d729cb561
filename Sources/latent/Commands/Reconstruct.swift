import ArgumentParser

/// `latent reconstruct RUN`: test images beside their reconstructions, or sentences encoded and
/// decoded back.
struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write test images and their reconstructions, row by row, as a PNG.")

    @OptionGroup var options: RunOptions
    @Option(help: "Number of test images.") var count = 32
    @Option(help: "Images per grid row.") var columns = 8
    @Option(help: "Output PNG (default: RUN/images/reconstructions.png).") var out: String?
    @Argument(help: "Sentences to encode and decode (sentence-vae runs).") var sentences: [String] = []

    func run() throws {
        guard count >= 1, columns >= 1 else { throw CommandError("--count and --columns must be at least 1.") }
        let run = try ModelRegistry.open(options.run, threads: options.threads)
        guard let run = run as? any ReconstructingRun else { throw run.lacks("encodes and decodes", command: "reconstruct") }
        try run.reconstruct(count: count, columns: columns, sentences: sentences, seed: options.seed, out: out)
    }
}
