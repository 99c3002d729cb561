import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild a PixelRNN and its data pipeline, as a run folder's config.json
/// holds it. Defaults are the reference (pixelrnn_torch.py, the paper's MNIST setting): Fashion-MNIST
/// binarized at 0.5, the Row LSTM, 7 residual LSTM layers of 16 state channels, a 7×7 mask-A input
/// convolution, Bernoulli logits, Adam 1e-3, batch 16. On colour data (`imageChannels` 3) the
/// state channels are split into R, G, B groups (``PixelRNN``), 48 of them by default (a residual
/// stream of 96 channels, as the colour PixelCNN's), with 256 levels per sub-pixel.
public struct PixelRNNConfiguration: ExactLikelihoodConfiguration {
    /// The model family: always PixelRNN.
    public var model = ModelFamily.pixelRNN
    /// "fashion-mnist", or a folder of MNIST-format files, CIFAR-10 batches or class subfolders of images.
    public var data = "fashion-mnist"
    /// N for an image folder scaled and centre-cropped to N×N; nil for images at their own size.
    public var imageSize: Int?
    /// Binarized pixels for a Bernoulli output; continuous intensities, quantized to the levels,
    /// for a categorical one.
    public var pixels: PixelHandling = .staticBinarization(threshold: 0.5)
    /// The image size, recorded from the data when training starts.
    public var imageHeight = 28
    public var imageWidth = 28
    /// 3 for colour images (R, G, B), 1 for grey ones; absent from config.json for grey runs, as
    /// before colour existed.
    public var imageChannels: Int?
    /// The Row LSTM or the Diagonal BiLSTM.
    public var layer = PixelRNNLayerKind.row
    /// Residual LSTM layers.
    public var layers = 7
    /// State channels of every LSTM (the residual stream has twice as many); a multiple of 3 on
    /// colour images.
    public var hidden = 16
    /// The mask-A input convolution's kernel.
    public var inputKernelSize = 7
    /// Bernoulli (binarized pixels) or categorical (grey levels).
    public var output = PixelOutputKind.bernoulli
    /// Grey levels of a categorical output.
    public var levels = 256
    /// Always 0: PixelRNN models are unconditional.
    public var classes = 0
    public var learningRate: Float = 1e-3
    public var batchSize = 16
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

    /// The state channels of a colour model unless `--hidden` says otherwise: a residual stream
    /// of 96 channels, 32 per colour, as the colour PixelCNN's.
    public static let colourHidden = 48

    /// "PixelRNN (Row LSTM, 7 layers of 16 units, Bernoulli)".
    public var summary: String {
        "PixelRNN (\(layer == .row ? "Row LSTM" : "Diagonal BiLSTM"), \(layers) layers of \(hidden) units, "
            + "\(channelsPerPixel == 3 ? "colour, per sub-pixel " : "")\(distribution))"
    }

    /// A new, randomly initialized model (seeded by `seed`).
    public func makeModel() -> PixelRNN {
        var generator = RandomGenerator(seed: seed)
        return PixelRNN(kind: layer, layers: layers, units: hidden, inputKernelSize: inputKernelSize,
                        distribution: distribution, imageChannels: channelsPerPixel, using: &generator)
    }

    /// The one trainer for `model` (made by ``makeModel()``), with Adam as the reference trains.
    public func makeTrainer(model: PixelRNN) -> Trainer<ImageBatch> {
        Trainer(model: model, optimizer: Adam(parameters: model.namedParameters, learningRate: learningRate),
                settings: TrainerSettings(modelName: self.model.rawValue, seed: seed, precision: trainingPrecision))
    }
}

extension PixelRNNConfiguration: CheckedConfiguration {
    public func check() throws {
        let check = ConfigurationCheck()
        try checkData(check)
        try check.integer(layers, key: "layers", flag: "--layers", in: 1...64)
        try check.integer(hidden, key: "hidden", flag: "--hidden", in: 1...1024)
        try check.oddInteger(inputKernelSize, key: "input_kernel_size", flag: "--input-kernel", in: 1...63)
        try check.integer(classes, key: "classes", flag: "--data", in: 0...0)
        if let imageChannels {
            guard imageChannels == 1 || imageChannels == 3 else {
                throw ConfigurationError.outOfRange(key: "image_channels", flag: "--data", value: "\(imageChannels)", allowed: "1 or 3")
            }
        }
        if channelsPerPixel == 3 {
            guard hidden % 3 == 0 else {
                throw ConfigurationError.outOfRange(key: "hidden", flag: "--hidden", value: "\(hidden)",
                                                    allowed: "a multiple of 3 on colour images (one group each for R, G and B)")
            }
            guard output == .categorical else {
                throw ConfigurationError.inconsistent(reason: "colour images need the categorical output, not bernoulli")
            }
        }
    }
}

extension PixelRNNConfiguration {
    /// Floats one image keeps per pixel for the backward pass, per layer: the Row LSTM's gates,
    /// their activations, its states and im2col columns (about 20 per state channel); the Diagonal
    /// BiLSTM keeps as much per direction over the skewed map, about twice the image.
    private var floatsPerPixelAndLayer: Int { MemoryEstimate.product(hidden, layer == .row ? 24 : 80) }

    public var estimatedTrainingBytes: Int {
        let pixels = imageHeight * imageWidth, logits = MemoryEstimate.product(channelsPerPixel, output == .bernoulli ? 1 : levels)
        let parameters = MemoryEstimate.sum([
            MemoryEstimate.product(layers, 4 * hidden, 2 * hidden, 6),
            MemoryEstimate.product(2 * hidden, channelsPerPixel, inputKernelSize, inputKernelSize),
            MemoryEstimate.product(2 * hidden, logits),
        ])
        let perImage = MemoryEstimate.product(pixels, MemoryEstimate.sum([MemoryEstimate.product(layers, floatsPerPixelAndLayer), 3 * logits]))
        return MemoryEstimate.training(parameters: parameters, activations: MemoryEstimate.product(batchSize, perImage))
    }

    /// The sampler keeps each layer's input and LSTM states at every pixel of every image.
    public func estimatedSamplingBytes(count: Int) -> Int {
        let perPixel = MemoryEstimate.sum([MemoryEstimate.product(layers, hidden, layer == .row ? 4 : 6),
                                           MemoryEstimate.product(channelsPerPixel, levels)])
        return MemoryEstimate.product(4, count, (imageHeight + 6) * (imageWidth + 6), perPixel)
    }
}
