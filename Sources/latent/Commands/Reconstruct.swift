import ArgumentParser
import Foundation

/// `latent reconstruct RUN`: test images beside their reconstructions.
struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write test images and their reconstructions, row by row, as a PNG.")

    @OptionGroup var options: RunOptions
    @Option(help: "Number of test images.") var count = 32
    @Option(help: "Images per grid row.") var columns = 8
    @Option(help: "Output PNG (default: RUN/images/reconstructions.png).") var out: String?
    @Argument(help: "Sentences to encode and decode (sentence-vae runs).") var sentences: [String] = []

    func run() throws {
        if RunFolder(options.run).holdsSentenceModel {
            return try SentenceReconstruct(options: options, sentences: sentences).run()
        }
        guard sentences.isEmpty else {
            throw CommandError("\(options.run) holds an image model; sentences to reconstruct go with a sentence-vae run.")
        }
        guard count >= 1, columns >= 1 else { throw CommandError("--count and --columns must be at least 1.") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages(limit: count)
        let url = try run.output(out, default: "reconstructions.png")
        try Pictures.write(try Pictures.reconstructions(run.model, images: images, count: count, gridColumns: columns), to: url)
        print(url.path)
    }
}
