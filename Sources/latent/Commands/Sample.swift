import ArgumentParser

/// `latent sample RUN`: a grid of images: a VAE's decoded draws of the prior, or a PixelCNN's
/// images drawn pixel by pixel.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw images into a PNG grid: from the prior p(z) for a VAE, pixel by pixel for a PixelCNN.")

    @OptionGroup var options: RunOptions
    @Option(help: "Number of images.") var count = 64
    @Option(help: "Images per grid row.") var columns = 8
    @Option(help: "Output PNG (default: RUN/images/samples.png).") var out: String?
    @Option(help: "For a conditional run: draw every image with this label (default: one row per class).") var label: Int?

    func run() throws {
        guard count >= 1, columns >= 1 else { throw CommandError("--count and --columns must be at least 1.") }
        let run = try ModelRegistry.open(options.run, threads: options.threads)
        guard let run = run as? any SamplingRun else { throw run.lacks("draws images (for text, latent generate)", command: "sample") }
        print(try run.sample(count: count, columns: columns, label: label, seed: options.seed, out: out).path)
    }
}
