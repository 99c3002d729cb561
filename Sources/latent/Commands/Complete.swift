import ArgumentParser
import Foundation
import GenerativeModels
import Rendering
import TensorCore

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
        guard PixelCNNRun.isPixelCNN(options.run) else {
            _ = try RunFolder(options.run).modelName()   // a missing folder or config names itself
            throw CommandError("latent complete needs a PixelCNN run; \(options.run) holds another model.")
        }
        let run = try PixelCNNRun(options.run, threads: options.threads)
        let (height, width) = (run.configuration.imageHeight, run.configuration.imageWidth)
        let given = rows ?? height / 2
        guard given >= 0 && given <= height else { throw CommandError("--rows must be from 0 to \(height), not \(given).") }
        let test = try run.testImages(limit: count)
        let pixels = height * width
        // Each image repeated `samples` times, so one sampler run draws every completion.
        let repeated = (0..<test.count).flatMap { Array(repeating: $0, count: samples) }
        let inputs = run.model.images(test.tensor(repeated), height: height, width: width)
        let labels = run.model.isConditional ? repeated.map { test.labels[$0] } : nil
        var generator = RandomGenerator(seed: options.seed)
        let completed = run.model.complete(inputs, givenPixels: given * width, labels: labels, using: &generator).scalars
        var tiles: [Float] = []
        let originals = run.model.images(test.tensor(), height: height, width: width).scalars
        for image in 0..<test.count {
            let original = Array(originals[(image * pixels)..<((image + 1) * pixels)])
            tiles += original
            tiles += original.enumerated().map { $0.offset < given * width ? $0.element : 0.5 }   // the given part, the rest grey
            tiles += completed[(image * samples * pixels)..<((image + 1) * samples * pixels)]
        }
        let url = try run.folder.picture(out, default: "completions.png")
        let image: GrayImage
        do { image = try ImageGrid.grid(tiles, tileHeight: height, tileWidth: width, columns: samples + 2) } catch {
            throw CommandError("Cannot draw the completions: \(error)")
        }
        try Pictures.write(image, to: url)
        print(url.path)
    }
}
