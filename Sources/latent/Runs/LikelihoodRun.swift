import Datasets
import Foundation
import GenerativeModels
import NN
import Rendering
import TensorCore

/// A trained exact-likelihood image model (a PixelCNN, the independent-pixels baseline) read
/// back from its run folder, and what `latent eval` and `latent sample` do with it.
struct LikelihoodRun<Configuration: ExactLikelihoodConfiguration>: EvaluableRun, SamplingRun {
    let folder: RunFolder
    let configuration: Configuration
    let model: Configuration.Model

    init(_ path: String, threads: Int?) throws {
        folder = RunFolder(path)
        configuration = try folder.readConfiguration(Configuration.self)
        ComputeThreads.set(threads ?? configuration.threads)
        try folder.requireCheckpoint(named: path)
        model = configuration.makeModel()
        do { _ = try Checkpoint.load(from: folder.checkpoint, into: model) } catch { throw CommandError("\(error)") }
    }

    /// The test split as the run saw it: binarized at the run's threshold, or grey levels.
    func testImages(limit: Int?) throws -> ImageSet {
        configuration.pixels.evaluationSet(try DataSource.load(configuration.data, imageSize: configuration.imageSize).test.prefix(limit))
    }

    var family: ModelFamily { configuration.model }
    var summary: String { configuration.summary }

    /// `latent eval`: the exact −log p(x) on the test set.
    func evaluate(_ request: EvaluationRequest) throws {
        let images = try testImages(limit: request.limit)
        let started = Date()
        let perImage = model.negativeLogLikelihoods(of: images, progressTitle: "exact log-likelihood")
        let nll = perImage.reduce(0, +) / Double(perImage.count)
        let report: [String: Any] = [
            "model": family.rawValue, "log_likelihood": -nll, "nll": nll, "exact": true,
            "bits_per_dim": bitsPerDimension(logLikelihood: -nll, dataDimension: images.dimension),
            "examples": perImage.count, "pixels": configuration.pixels.name, "likelihood": configuration.output.rawValue,
            "units": "nats per image", "seconds": Date().timeIntervalSince(started), "precision": configuration.trainingPrecision.rawValue,
        ]
        try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
            .write(to: folder.url.appendingPathComponent("eval.json"), options: .atomic)
        if request.json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("test images        \(perImage.count) (\(configuration.pixels.summary))")
        print("trained in         \(configuration.trainingPrecision.rawValue) (the evaluation runs in fp32)")
        print("−log p(x)          \(String(format: "%.3f", nll)) nats per image (exact)")
        print("bits/dim           \(String(format: "%.4f", report["bits_per_dim"] as! Double))")
    }

    /// Checks a `--label` flag: refused for an unconditional run, range-checked otherwise.
    func labels(_ label: Int?, count: Int) throws -> [Int]? {
        guard model.isConditional else {
            if let label { throw CommandError("--label \(label): \(folder.url.path) holds an unconditional \(configuration.summary); train with --conditional to use labels.") }
            return nil
        }
        if let label, label < 0 || label >= model.classes {
            throw CommandError("--label \(label) is out of range: the run has classes 0..<\(model.classes).")
        }
        return (0..<count).map { label ?? $0 % model.classes }
    }

    /// `latent sample`: images drawn pixel by pixel with the incremental sampler.
    func sample(count: Int, columns: Int, label: Int?, seed: UInt64, out: String?) throws -> URL {
        try MemoryBudget.check(configuration.estimatedSamplingBytes(count: count), for: "Drawing \(count) images", remedy: "ask for fewer with --count")
        let url = try folder.picture(out, default: label.map { "samples-label-\($0).png" } ?? "samples.png")
        let labels = try labels(label, count: count)
        var generator = RandomGenerator(seed: seed)
        let (rows, width) = (configuration.imageHeight, configuration.imageWidth)
        let started = Date()
        let images = model.sample(count: count, height: rows, width: width, labels: labels, using: &generator)
        FileHandle.standardError.write(Data("drew \(count) images in \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n".utf8))
        let channels = model.imageChannels
        try Pictures.write(try Pictures.grid(images.reshaped([count, channels * rows * width]), channels: channels, imageRows: rows,
                                             imageColumns: width, gridColumns: columns), to: url)
        return url
    }
}

extension ExactLikelihoodImageModel {
    /// Exact −log p(x) of every image of a set, in nats, with a progress bar.
    func negativeLogLikelihoods(of images: ImageSet, progressTitle: String) -> [Double] {
        let bar = Progress(title: progressTitle, total: images.count)
        let values = negativeLogLikelihoods(images.tensor(), height: images.rows, width: images.columns, labels: images.labels) { done, _ in
            bar.update(done: done)
        }
        // Split across processes, this process's share ends short of the whole set.
        if values.count < images.count { bar.update(done: images.count) }
        return values
    }
}
