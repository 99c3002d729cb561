import Datasets
import NN
import TensorCore

/// Everything needed to rebuild the independent-pixels baseline and its data pipeline, as a run
/// folder's config.json holds it. Defaults match the PixelCNN's data (Fashion-MNIST binarized at
/// 0.5, Bernoulli pixels, batch 128, one epoch), with Adam at 0.05: the per-pixel logits must travel
/// far from their uniform start (a pixel that is never on wants a logit near −10) within the epoch.
public struct IndependentPixelsConfiguration: ExactLikelihoodConfiguration {
    /// The model family: always the independent-pixels baseline.
    public var model = ModelFamily.independentPixels
    public var data = "fashion-mnist"
    /// N for an image folder scaled and centre-cropped to N×N; nil for images at their own size.
    public var imageSize: Int?
    public var pixels: PixelHandling = .staticBinarization(threshold: 0.5)
    public var imageHeight = 28
    public var imageWidth = 28
    /// 3 for colour images (one distribution per sub-pixel), 1 for grey ones; absent (grey) in
    /// config.json files written before colour existed.
    public var imageChannels: Int?
    public var output = PixelOutputKind.bernoulli
    public var levels = 256
    /// Always 0: the baseline conditions on nothing.
    public var classes = 0
    public var learningRate: Float = 0.05
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

    /// "independent pixels (Bernoulli)".
    public var summary: String { "independent \(channelsPerPixel == 3 ? "sub-pixels" : "pixels") (\(distribution))" }

    /// A new model for the recorded image size, every pixel uniform.
    public func makeModel() -> IndependentPixels {
        IndependentPixels(height: imageHeight, width: imageWidth, distribution: distribution, imageChannels: channelsPerPixel)
    }

    /// The one trainer for `model`: Adam at `learningRate`.
    public func makeTrainer(model: IndependentPixels) -> Trainer<ImageBatch> {
        Trainer(model: model, optimizer: Adam(parameters: model.namedParameters, learningRate: learningRate),
                settings: TrainerSettings(modelName: self.model.rawValue, seed: seed, precision: trainingPrecision))
    }
}
