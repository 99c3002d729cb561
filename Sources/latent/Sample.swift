import ArgumentParser
import Foundation
import GenerativeModels

/// `latent sample RUN`: a grid of images decoded from draws of the prior.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Draw images from the prior p(z) and decode them into a PNG grid.")

    @OptionGroup var options: RunOptions
    @Option(help: "Number of images.") var count = 64
    @Option(help: "Images per grid row.") var columns = 8
    @Option(help: "Output PNG (default: RUN/images/samples.png).") var out: String?

    func run() throws {
        guard count >= 1, columns >= 1 else { throw CommandError("--count and --columns must be at least 1.") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let side = try run.imageSide()
        let url = try run.output(out, default: "samples.png")
        try Pictures.write(try Pictures.samples(run.model, count: count, gridColumns: columns, imageRows: side, imageColumns: side,
                                                seed: options.seed), to: url)
        print(url.path)
    }
}
