import Foundation
import GenerativeModels
import Rendering
import TensorCore

/// `latent complete` on a run of an autoregressive model (PixelCNN, PixelRNN): the top rows of test
/// images given, the rest drawn.
extension LikelihoodRun: CompletingRun where Configuration.Model: CompletingImageModel {
    func complete(count: Int, samples: Int, rows: Int?, seed: UInt64, out: String?) throws -> URL {
        let (height, width) = (configuration.imageHeight, configuration.imageWidth)
        try MemoryBudget.check(configuration.estimatedSamplingBytes(count: count * samples), for: "Drawing \(count * samples) completions",
                               remedy: "ask for fewer with --count or --samples")
        let given = rows ?? height / 2
        guard given >= 0 && given <= height else { throw CommandError("--rows must be from 0 to \(height), not \(given).") }
        let test = try testImages(limit: count)
        let channels = model.imageChannels, plane = height * width, pixels = channels * plane
        // Each image repeated `samples` times, so one sampler run draws every completion.
        let repeated = (0..<test.count).flatMap { Array(repeating: $0, count: samples) }
        let inputs = model.images(test.tensor(repeated), height: height, width: width)
        let labels = model.isConditional ? repeated.map { test.labels[$0] } : nil
        var generator = RandomGenerator(seed: seed)
        let completed = model.complete(inputs, givenPixels: given * width, labels: labels, using: &generator).scalars
        var tiles: [Float] = []
        let originals = model.images(test.tensor(), height: height, width: width).scalars
        for image in 0..<test.count {
            let original = Array(originals[(image * pixels)..<((image + 1) * pixels)])
            tiles += original
            // The given part, the rest grey: the first given·width values of each channel plane.
            tiles += original.enumerated().map { $0.offset % plane < given * width ? $0.element : 0.5 }
            tiles += completed[(image * samples * pixels)..<((image + 1) * samples * pixels)]
        }
        let url = try folder.picture(out, default: "completions.png")
        let image: any PNGWritable
        do { image = try ImageGrid.picture(tiles, channels: channels, tileHeight: height, tileWidth: width, columns: samples + 2) } catch {
            throw CommandError("Cannot draw the completions: \(error)")
        }
        try Pictures.write(image, to: url)
        return url
    }
}
