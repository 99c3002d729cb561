import ArgumentParser
import Foundation
import GenerativeModels

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
        if PixelCNNRun.isPixelCNN(options.run) {
            let run = try PixelCNNRun(options.run, threads: options.threads)
            let url = try run.folder.picture(out, default: label.map { "samples-label-\($0).png" } ?? "samples.png")
            try run.sample(count: count, columns: columns, label: label, seed: options.seed, to: url)
            print(url.path)
            return
        }
        let run = try LoadedRun(options.run, threads: options.threads)
        let vae = try run.variational(for: "latent sample")
        try run.checkLabel(label)
        var labels: [Int]?
        if run.model.classCount > 0 {
            labels = label.map { Array(repeating: $0, count: count) } ?? Pictures.labelRows(classes: run.model.classCount, columns: columns)
        }
        let url = try run.output(out, default: label.map { "samples-label-\($0).png" } ?? "samples.png")
        try Pictures.write(try Pictures.samples(vae, count: labels?.count ?? count, labels: labels, gridColumns: columns,
                                                imageRows: run.imageSize.rows, imageColumns: run.imageSize.columns, seed: options.seed), to: url)
        print(url.path)
    }
}
