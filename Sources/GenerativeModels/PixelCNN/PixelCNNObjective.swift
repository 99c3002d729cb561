import TensorCore

/// The PixelCNN as the one trainer sees it: image rows become [N, 1, H, W] in the output
/// distribution's representation, and the objective is the exact −log p(x), reported as "nll".
extension PixelCNN: ExactLikelihoodImageModel {
    /// The mean −log p(x) over the batch, in nats per image. A PixelCNN has no latent variable, so
    /// the objective's KL term and samples have nothing to act on.
    public func trainingLoss(on batch: ImageBatch, objective: TrainingObjective, step: Int,
                             using noise: inout RandomGenerator) -> LossBreakdown {
        let nll = loss(images(batch.pixels, height: batch.height, width: batch.width), labels: isConditional ? batch.labels : nil)
        return LossBreakdown(total: nll, terms: [("nll", nll)])
    }

    /// Exact −log p(x) of every image of `rows` [N, H·W], in nats, evaluated in batches without
    /// gradients. `progress` is called with (images done, images in all) after each batch.
    public func negativeLogLikelihoods(_ rows: Tensor, height: Int, width: Int, labels: [Int]?, batchSize: Int = 500,
                                       progress: (Int, Int) -> Void = { _, _ in }) -> [Double] {
        var result: [Double] = []
        result.reserveCapacity(rows.shape[0])
        withoutGradients {
            RowBatches.forEach(of: rows, size: batchSize) { range, batch in
                let batchLabels = isConditional ? labels.map { Array($0[range]) } : nil
                result += negativeLogLikelihood(images(batch, height: height, width: width), labels: batchLabels).scalars.map(Double.init)
                progress(result.count, rows.shape[0])
            }
        }
        return result
    }
}
