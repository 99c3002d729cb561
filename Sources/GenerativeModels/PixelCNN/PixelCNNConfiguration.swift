import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild a PixelCNN and its data pipeline, as a run folder's config.json
/// holds it. Defaults are the reference (pixelcnn_torch.py): Fashion-MNIST binarized at 0.5, a 7×7
/// mask-A layer and 5 residual 3×3 mask-B blocks of 64 channels, Bernoulli logits, Adam 1e-3,
/// batch 128. On colour data (`imageChannels` 3) the reference is pixelcnn_color_torch.py: the
/// same body with 96 channels in R, G, B groups, 256 levels per sub-pixel, batch 32.
public struct PixelCNNConfiguration: ExactLikelihoodConfiguration {
    /// The model family: always PixelCNN.
    public var model = ModelFamily.pixelCNN
    /// "fashion-mnist", or a folder of MNIST-format files, CIFAR-10 batches or class subfolders of images.
    public var data = "fashion-mnist"
    /// N for an image folder scaled and centre-cropped to N×N; nil for images at their own size.
    public var imageSize: Int?
    /// Binarized pixels for a Bernoulli output; continuous intensities, quantized to the levels by
    /// ``PixelDistribution/quantized(_:)``, for a categorical one.
    public var pixels: PixelHandling = .staticBinarization(threshold: 0.5)
    /// The image size, recorded from the data when training starts.
    public var imageHeight = 28
    public var imageWidth = 28
    /// 3 for colour images (R, G, B), 1 for grey ones; config.json files written before colour
    /// existed lack the key, and mean grey.
    public var imageChannels: Int?
    /// Whether the network reads each value v as 2v − 1 (``PixelCNN/centresInput``): true for new
    /// colour runs, as the reference colour model reads its bytes; absent (false) in grey runs and
    /// in colour runs made before.
    public var centredInput: Bool?
    public var channels = 64
    /// Layers after the first: residual blocks, or gated layers.
    public var residualBlocks = 5
    public var firstKernelSize = 7
    public var hiddenKernelSize = 3
    /// Bernoulli (binarized pixels) or categorical (grey levels).
    public var output = PixelOutputKind.bernoulli
    /// Grey levels of a categorical output.
    public var levels = 256
    /// Labels of a class-conditional model (10 for Fashion-MNIST), or 0 for an unconditional one.
    public var classes = 0
    /// The Gated PixelCNN body instead of residual blocks.
    public var gated = false
    public var learningRate: Float = 1e-3
    public var batchSize = 128
    public var epochs = 1
    public var seed: UInt64 = 1
    public var threads = 2
    /// The GEMM precision of the training steps; nil (fp32) in runs written before it was recorded.
    public var precision: GEMMPrecision?

    public init() {}

    public var channelsPerPixel: Int {
        get { imageChannels ?? 1 }
        set { imageChannels = newValue }
    }
    public static var modelsColour: Bool { true }

    /// The reference colour model's hidden channels and batch size (pixelcnn_color_torch.py).
    public static let colourChannels = 96, colourBatchSize = 32

    /// "PixelCNN (residual, 64 channels, 5 layers after the 7×7 mask-A layer, Bernoulli)".
    public var summary: String {
        "PixelCNN (\(gated ? "gated" : "residual"), \(channels) channels, \(residualBlocks) layers after the "
            + "\(firstKernelSize)×\(firstKernelSize) mask-A layer, \(channelsPerPixel == 3 ? "colour, per sub-pixel " : "")\(distribution)"
            + "\(classes > 0 ? ", class-conditional" : ""))"
    }

    /// A new, randomly initialized model (seeded by `seed`).
    public func makeModel() -> PixelCNN {
        var generator = RandomGenerator(seed: seed)
        return PixelCNN(channels: channels, residualBlocks: residualBlocks, firstKernelSize: firstKernelSize,
                        hiddenKernelSize: hiddenKernelSize, distribution: distribution, classes: classes,
                        gated: gated, imageChannels: channelsPerPixel, centresInput: centredInput ?? false, using: &generator)
    }

    /// Adam over `model`'s parameters at `learningRate`, as the reference trains.
    public func makeOptimizer(for model: any Module) -> any Optimizer {
        Adam(parameters: model.namedParameters, learningRate: learningRate)
    }

    /// The one trainer for `model` (made by ``makeModel()``), with Adam as the reference trains.
    public func makeTrainer(model: PixelCNN) -> Trainer<ImageBatch> {
        Trainer(model: model, optimizer: makeOptimizer(for: model), settings: TrainerSettings(modelName: self.model.rawValue, seed: seed, precision: trainingPrecision))
    }
}
