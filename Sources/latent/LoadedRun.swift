import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// A trained run read back from its folder: configuration and weights, and its evaluation images.
struct LoadedRun {
    let folder: RunFolder
    let configuration: VAEConfiguration
    let model: VAE

    init(_ path: String, threads: Int? = nil) throws {
        folder = RunFolder(path)
        configuration = try folder.readConfiguration()
        ComputeThreads.set(threads ?? configuration.threads)
        guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else {
            throw CommandError("Run folder \(path) has no checkpoint.safetensors yet.")
        }
        let checkpoint: SafetensorsFile
        do { checkpoint = try SafetensorsFile.read(contentsOf: folder.checkpoint) } catch { throw CommandError("\(error)") }
        let dimension = try Self.dataDimension(of: checkpoint, path: folder.checkpoint.path, configuration: configuration)
        model = configuration.makeModel(dataDimension: dimension)
        do { _ = try Checkpoint.load(checkpoint, source: folder.checkpoint.path, into: model) } catch {
            throw CommandError("\(error)")
        }
    }

    /// The data dimension, read from the shape of the decoder's last bias so a run can be loaded
    /// without touching its data set.
    static func dataDimension(of checkpoint: SafetensorsFile, path: String, configuration: VAEConfiguration) throws -> Int {
        let key = "model.decoder.\(2 * configuration.hiddenSizes.count).bias"
        guard let bias = checkpoint.tensors[key], bias.shape.rank == 1 else {
            throw CommandError("\(path) has no tensor '\(key)': it is not a checkpoint of this run's VAE.")
        }
        return bias.shape[0]
    }

    /// The side of the run's square images, or an error for data that are not square images.
    func imageSide() throws -> Int {
        let side = Int(Double(model.dataDimension).squareRoot())
        guard side * side == model.dataDimension else {
            throw CommandError("The run's images have \(model.dataDimension) pixels, which is not a square image.")
        }
        return side
    }

    /// The test split in the run's pixel handling (binarized once where the run binarizes).
    func testImages(limit: Int? = nil) throws -> ImageSet {
        let splits = try DataSource.load(configuration.data)
        return configuration.pixels.evaluationSet(splits.test.prefix(limit))
    }

    /// Where a picture goes: the given path, or images/NAME in the run folder.
    func output(_ path: String?, default name: String) throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        try FileManager.default.createDirectory(at: folder.images, withIntermediateDirectories: true)
        return folder.image(name)
    }
}

/// Options every command on a run folder takes.
struct RunOptions: ParsableArguments {
    @Argument(help: "The run folder.") var run: String
    @Option(help: "Threads (default: the run's).") var threads: Int?
    @Option(help: "Random seed for sampling.") var seed: UInt64 = 1
}
