import Foundation
import GenerativeModels

/// `latent sample` and `latent reconstruct` on a VAE, conditional VAE or autoencoder run.
extension LoadedRun: SamplingRun, ReconstructingRun {
    var family: ModelFamily { configuration.model }
    var summary: String { configuration.summary }

    /// Draws from the prior p(z) (one row per class for a conditional model without `label`).
    func sample(count: Int, columns: Int, label: Int?, seed: UInt64, out: String?) throws -> URL {
        let vae = try variational(for: "latent sample")
        try MemoryBudget.check(configuration.estimatedSamplingBytes(count: count), for: "Drawing \(count) images", remedy: "ask for fewer with --count")
        try checkLabel(label)
        var labels: [Int]?
        if model.classCount > 0 {
            labels = label.map { Array(repeating: $0, count: count) } ?? Pictures.labelRows(classes: model.classCount, columns: columns)
        }
        let url = try output(out, default: label.map { "samples-label-\($0).png" } ?? "samples.png")
        try Pictures.write(try Pictures.samples(vae, count: labels?.count ?? count, labels: labels, gridColumns: columns,
                                                imageRows: imageSize.rows, imageColumns: imageSize.columns, seed: seed), to: url)
        return url
    }

    /// Test images beside their reconstructions from the code.
    func reconstruct(count: Int, columns: Int, sentences: [String], seed: UInt64, out: String?) throws {
        guard sentences.isEmpty else {
            throw CommandError("\(folder.url.path) holds an image model; sentences to reconstruct go with a sentence-vae run.")
        }
        let images = try testImages(limit: count)
        let url = try output(out, default: "reconstructions.png")
        try Pictures.write(try Pictures.reconstructions(model, images: images, count: count, gridColumns: columns), to: url)
        print(url.path)
    }
}
