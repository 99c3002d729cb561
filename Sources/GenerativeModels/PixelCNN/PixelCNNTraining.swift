import Foundation
import NN
import TensorCore

/// A PixelCNN as the batch loop trains it: image rows [N, H·W] become [N, 1, H, W] in the output
/// distribution's representation, and the objective is the exact −log p(x).
public final class PixelCNNObjective: TrainableModel {
    public let model: PixelCNN
    public let height: Int
    public let width: Int

    public init(model: PixelCNN, height: Int, width: Int) {
        self.model = model
        self.height = height
        self.width = width
    }

    /// The PixelCNN's own parameter names, so checkpoints hold `inp.weight`, `res.0.weight`, …
    public var children: [(name: String, child: ModuleChild)] { model.children }

    /// Rows [N, H·W] of intensities or binarized pixels → [N, 1, H, W] in the distribution's values.
    public func images(_ rows: Tensor) -> Tensor {
        model.distribution.quantized(rows.reshaped([rows.shape[0], 1, height, width]))
    }

    /// −log p(x) averaged over the batch, in nats per image, as the reconstruction term; the KL term
    /// is zero (there is no latent variable). `samples` and `beta` have nothing to act on.
    public func trainingLoss(_ batch: Tensor, labels: [Int], samples: Int, beta: Float, using noise: inout RandomGenerator) -> VAELoss {
        let loss = model.loss(images(batch), labels: model.isConditional ? labels : nil)
        return VAELoss(reconstruction: loss, kl: Tensor(shape: [], scalars: [0]), beta: beta)
    }

    /// Exact −log p(x) of every image of `rows` [N, H·W], in nats, evaluated in batches without gradients.
    /// `progress` is called with (images done, images in all) after each batch.
    public func negativeLogLikelihoods(_ rows: Tensor, labels: [Int]?, batchSize: Int = 500,
                                       progress: (Int, Int) -> Void = { _, _ in }) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(rows.shape[0])
        withoutGradients {
            RowBatches.forEach(of: rows, size: batchSize) { range, batch in
                let batchLabels = model.isConditional ? labels.map { Array($0[range]) } : nil
                result += model.negativeLogLikelihood(images(batch), labels: batchLabels).scalars.map(Double.init)
                progress(result.count, rows.shape[0])
            }
        }
        return result
    }
}

/// The training run of a PixelCNN, built from its configuration.
public final class PixelCNNTraining: EpochTraining {
    public let configuration: PixelCNNConfiguration
    public let objective: PixelCNNObjective

    public init(configuration: PixelCNNConfiguration) {
        self.configuration = configuration
        objective = PixelCNNObjective(model: configuration.makeModel(), height: configuration.imageHeight, width: configuration.imageWidth)
        super.init(model: objective, optimizer: configuration.makeOptimizer(for: objective), settings: configuration.trainingSettings)
    }
}
