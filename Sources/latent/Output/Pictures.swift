import Datasets
import Foundation
import GenerativeModels
import Rendering
import TensorCore

/// The images an image-model run draws: prior samples and test reconstructions, as PNG grids.
enum Pictures {
    /// Decoded means of `count` draws from the prior, seeded, in a grid (in colour for a colour
    /// model); a conditional model decodes draw i with `labels[i]`. Under a discrete likelihood the
    /// mean is the mean level, not a draw of every value.
    static func samples(_ model: VAE, count: Int, labels: [Int]? = nil, gridColumns: Int,
                        imageRows: Int, imageColumns: Int, seed: UInt64) throws -> any PNGWritable {
        var generator = RandomGenerator(seed: seed)
        let z = model.prior.sample(count: count, dimension: model.latentDimension, using: &generator)
        let condition = model.oneHotLabels(labels, rows: 0..<count)
        return try grid(withoutGradients { model.decodeMean(z, labels: condition) }, channels: model.imageChannels,
                        imageRows: imageRows, imageColumns: imageColumns, gridColumns: gridColumns)
    }

    /// Labels for a grid with one row per class: 0 repeated `columns` times, then 1, …
    static func labelRows(classes: Int, columns: Int) -> [Int] {
        (0..<classes).flatMap { Array(repeating: $0, count: columns) }
    }

    /// Pairs of rows: test images, then their reconstructions (decoded codes: posterior means);
    /// in colour when the images are.
    static func reconstructions(_ model: any LatentImageModel, images: ImageSet, count: Int, gridColumns: Int) throws -> any PNGWritable {
        let shown = min(count, images.count)
        let inputs = images.tensor(0..<shown)
        let condition = model.oneHotLabels(images.labels, rows: 0..<shown)
        let outputs = withoutGradients { model.decodeMean(model.code(inputs, labels: condition), labels: condition) }
        var tiles: [Float] = []
        let (input, output) = (inputs.scalars, outputs.scalars)
        let size = images.dimension
        for rowStart in stride(from: 0, to: inputs.shape[0], by: gridColumns) {
            let rowEnd = min(rowStart + gridColumns, inputs.shape[0])
            tiles += input[(rowStart * size)..<(rowEnd * size)]
            tiles += output[(rowStart * size)..<(rowEnd * size)]
        }
        return try ImageGrid.picture(tiles, channels: images.channels, tileHeight: images.rows, tileWidth: images.columns, columns: gridColumns)
    }

    /// Tiles a [N, rows·columns] tensor of intensities.
    static func grid(_ images: Tensor, imageRows: Int, imageColumns: Int, gridColumns: Int) throws -> GrayImage {
        try ImageGrid.grid(images.scalars, tileHeight: imageRows, tileWidth: imageColumns, columns: gridColumns)
    }

    /// Tiles a [N, channels·rows·columns] tensor of intensities, each image C×H×W: grey for one
    /// channel, colour for three.
    static func grid(_ images: Tensor, channels: Int, imageRows: Int, imageColumns: Int, gridColumns: Int) throws -> any PNGWritable {
        try ImageGrid.picture(images.scalars, channels: channels, tileHeight: imageRows, tileWidth: imageColumns, columns: gridColumns)
    }

    /// Writes a PNG, grey or colour, naming the file in any error.
    static func write(_ image: some PNGWritable, to url: URL) throws {
        do { try image.write(to: url) } catch { throw CommandError("Cannot write \(url.path): \(error)") }
    }
}
