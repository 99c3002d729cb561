import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// A trained run read back from its folder: configuration and weights, and its evaluation images.
struct LoadedRun: TrainedRun {
    let folder: RunFolder
    let configuration: VAEConfiguration
    let model: any LatentImageModel

    init(_ path: String, threads: Int? = nil) throws {
        folder = RunFolder(path)
        configuration = try folder.readConfiguration()
        ComputeThreads.set(threads ?? configuration.threads)
        try folder.requireCheckpoint(named: path)
        do { model = try configuration.makeModel() } catch {
            throw CommandError("\(folder.configuration.path): \(error)")
        }
        do { _ = try Checkpoint.load(from: folder.checkpoint, into: model) } catch {
            throw CommandError("\(error)")
        }
    }

    /// The model as a VAE, or an error naming what `command` needs that an autoencoder lacks.
    func variational(for command: String) throws -> VAE {
        guard let vae = model as? VAE else {
            throw CommandError("\(command) needs a VAE's prior, but \(folder.url.path) holds a \(configuration.summary), which has none.")
        }
        return vae
    }

    /// The run's image size: rows and columns.
    var imageSize: (rows: Int, columns: Int) { (configuration.imageHeight, configuration.imageWidth) }

    /// Checks a `--label` flag against the run: required range for a conditional model, refused
    /// for an unconditional one.
    func checkLabel(_ label: Int?) throws {
        guard let label else { return }
        guard model.classCount > 0 else {
            throw CommandError("--label \(label): \(folder.url.path) holds an unconditional model; train with --conditional to use labels.")
        }
        guard label >= 0 && label < model.classCount else {
            throw CommandError("--label \(label) is out of range: the run has classes 0..<\(model.classCount).")
        }
    }

    /// One-hot rows of `label` for `count` codes of a conditional model (nil for an unconditional one);
    /// a conditional model without `--label` is an error naming the flag.
    func labelRows(_ label: Int?, count: Int) throws -> Tensor? {
        try checkLabel(label)
        guard model.classCount > 0 else { return nil }
        guard let label else {
            throw CommandError("\(folder.url.path) holds a conditional model: pass --label K with K in 0..<\(model.classCount).")
        }
        return model.oneHotLabels(Array(repeating: label, count: count), rows: 0..<count)
    }

    /// The test split in the run's pixel handling (binarized once where the run binarizes).
    func testImages(limit: Int? = nil) throws -> ImageSet {
        let splits = try DataSource.load(configuration.data, imageSize: configuration.imageSize)
        guard splits.test.channels == configuration.channelCount else {
            throw CommandError("--data \(configuration.data) now holds images of \(splits.test.channels) channels, but the run in \(folder.url.path) models \(configuration.channelCount).")
        }
        return configuration.pixels.evaluationSet(splits.test.prefix(limit))
    }

    /// Where a picture goes: the given path, or images/NAME in the run folder.
    func output(_ path: String?, default name: String) throws -> URL { try folder.picture(path, default: name) }
}

/// Options every command on a run folder takes.
struct RunOptions: ParsableArguments {
    @Argument(help: "The run folder.") var run: String
    @Option(help: "Threads (default: the run's).") var threads: Int?
    @Option(help: "Random seed for sampling.") var seed: UInt64 = 1

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw ValidationError("--threads must be at least 1.") }
    }
}
