import Datasets
import Foundation

/// What a run of an ``ExactLikelihoodImageModel`` records in config.json and the command line
/// reads: the data and pixel handling, the image size, the output distribution and the
/// optimization. The PixelCNN's and the independent-pixels baseline's configurations adopt it.
public protocol ExactLikelihoodConfiguration: Codable, Equatable, Sendable, CheckedConfiguration, RecordsTrainingPrecision {
    associatedtype Model: ExactLikelihoodImageModel

    var model: ModelFamily { get }
    /// "fashion-mnist", or a folder of MNIST-format files, CIFAR-10 batches or class subfolders of images.
    var data: String { get set }
    /// N when an image folder's images are scaled and centre-cropped to N×N (`--image-size`); nil,
    /// and absent from config.json, when the images are used at their own size.
    var imageSize: Int? { get set }
    /// Binarized pixels for a Bernoulli output; continuous intensities for a categorical one.
    var pixels: PixelHandling { get set }
    /// The image size, recorded from the data when training starts.
    var imageHeight: Int { get set }
    var imageWidth: Int { get set }
    var output: PixelOutputKind { get set }
    /// Grey levels of a categorical output (levels of each colour for colour images).
    var levels: Int { get set }
    /// Channels of the images the run models: 1 (grey) or 3 (R, G, B), from the data when
    /// training starts.
    var channelsPerPixel: Int { get set }
    /// Whether the model can learn colour images (else only grey ones).
    static var modelsColour: Bool { get }
    /// Labels of a class-conditional model, or 0 for an unconditional one.
    var classes: Int { get set }
    var learningRate: Float { get set }
    var batchSize: Int { get set }
    var epochs: Int { get set }
    var seed: UInt64 { get set }
    var threads: Int { get set }

    /// The defaults of a new run.
    init()

    /// A short description for logs, without the parameter count.
    var summary: String { get }

    /// Bytes a training needs (``MemoryEstimate``).
    var estimatedTrainingBytes: Int { get }
    /// Bytes drawing `count` images needs.
    func estimatedSamplingBytes(count: Int) -> Int

    /// A new, randomly initialized model (seeded by `seed`).
    func makeModel() -> Model
    /// The one trainer for `model`.
    func makeTrainer(model: Model) -> Trainer<ImageBatch>
}

extension ExactLikelihoodConfiguration {
    /// Grey images, unless a configuration records otherwise.
    public var channelsPerPixel: Int {
        get { 1 }
        set { precondition(newValue == 1, "\(Self.self) models grey images only") }
    }
    public static var modelsColour: Bool { false }

    /// The output distribution `output` names.
    public var distribution: PixelDistribution {
        switch output {
        case .bernoulli: .bernoulli
        case .categorical: .categorical(levels: levels)
        }
    }

    /// The training split as the trainer walks it: this configuration's pixel handling and batch size.
    public func trainingData(_ images: ImageSet) -> ImageTrainingData {
        ImageTrainingData(images, pixels: pixels, batchSize: batchSize)
    }

    /// Reads a config.json, naming the file in any error.
    public static func read(from url: URL) throws -> Self { try ConfigurationFile.read(from: url) }

    /// config.json text: sorted keys, snake_case, one key per line.
    public func encoded() throws -> Data { try JSONEncoder.snakeCase.encode(self) }
}
