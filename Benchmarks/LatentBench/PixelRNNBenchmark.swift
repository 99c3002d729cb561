import GenerativeModels
import NN
import TensorCore

/// The reference PixelRNNs (pixelrnn_torch.py: 7×7 mask A 1→32, 7 residual layers of the Row LSTM
/// or the Diagonal BiLSTM with 16 state channels, Bernoulli logits, Adam 1e-3, batch 16). Section
/// `pixelrnn`: a training step (forward, backward, Adam) of each, whose median times 3,750 batches is
/// an epoch of Fashion-MNIST; section `pixelrnn-sample`: 16 28×28 samples drawn pixel by pixel,
/// incrementally and with 784 full forward passes, as the reference draws them.
enum PixelRNNBenchmark {
    /// Random binary images (a pixel is 1 with probability 0.3, about the share in binarized
    /// Fashion-MNIST); the work does not depend on the values.
    static func batches(count: Int, size: Int, using generator: inout RandomGenerator) -> [Tensor] {
        (0..<count).map { _ in
            PixelDistribution.bernoulli.quantized(Tensor.uniform([size, 1, 28, 28], low: 0.2, high: 1.2, using: &generator) - 0.5)
        }
    }

    /// The recurrences, then the training step of each layer kind in `kinds`.
    static func run(repeats: Int, kinds: [PixelRNNLayerKind] = PixelRNNLayerKind.allCases) {
        if kinds.count > 1 { recurrences(repeats: repeats) }
        print("\n## PixelRNN training step, batch 16, 28×28, Bernoulli, Adam (threads: \(ComputeThreads.count))")
        let widths = [18, 12, 14, 12, 16]
        printRow(["layer", "forward ms", "fwd+bwd ms", "step ms", "3,750 steps s"], widths: widths)
        for kind in kinds {
            var generator = RandomGenerator(seed: 1)
            let model = PixelRNN(kind: kind, using: &generator)
            let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
            let inputs = batches(count: 4, size: 16, using: &generator)
            var index = 0
            func nextBatch() -> Tensor {
                index += 1
                return inputs[index % inputs.count]
            }
            let loss = { (batch: Tensor) in model.negativeLogLikelihood(batch, labels: nil).mean() }
            let forward = Timing.median(repeats: repeats, warmup: 2) { _ = withoutGradients { loss(nextBatch()) } }
            let both = Timing.median(repeats: repeats, warmup: 2) { _ = loss(nextBatch()).backward() }
            let step = Timing.median(repeats: repeats, warmup: 2) { optimizer.step(loss(nextBatch()).backward()) }
            printRow([kind == .row ? "Row LSTM" : "Diagonal BiLSTM", format(forward * 1e3, 2), format(both * 1e3, 2),
                      format(step * 1e3, 2), format(step * 3750, 1)], widths: widths)
        }
    }

    /// The fused recurrences alone on one layer's gates, [16, 64, 28, 28] (U = 16), forward and
    /// forward + backward.
    static func recurrences(repeats: Int) {
        print("\n## PixelRNN recurrences, gates [16, 64, 28, 28] (median of \(repeats); threads: \(ComputeThreads.count))")
        var generator = RandomGenerator(seed: 4)
        let gates = Tensor.normal([16, 64, 28, 28], using: &generator, requiresGradient: true)
        let upstream = Tensor.normal([16, 16, 28, 28], using: &generator)
        let rowWeight = Tensor.normal([64, 16, 3], standardDeviation: 0.1, using: &generator, requiresGradient: true)
        let diagonalWeight = Tensor.normal([64, 16, 2], standardDeviation: 0.1, using: &generator, requiresGradient: true)
        let widths = [30, 12, 14]
        printRow(["recurrence", "forward ms", "fwd+bwd ms"], widths: widths)
        let cases: [(String, () -> Tensor)] = [
            ("Row LSTM, kernel 3", { gates.rowLSTMRecurrence(stateWeight: rowWeight) }),
            ("diagonal, left to right", { gates.diagonalLSTMRecurrence(stateWeight: diagonalWeight, direction: .leftToRight) }),
        ]
        for (name, body) in cases {
            let forward = Timing.median(repeats: repeats, warmup: 2) { _ = withoutGradients { body() } }
            let both = Timing.median(repeats: repeats, warmup: 2) { _ = body().backward(seed: upstream) }
            printRow([name, format(forward * 1e3, 2), format(both * 1e3, 2)], widths: widths)
        }
    }

    /// 16 images from each reference model (untrained; the work does not depend on the weights).
    static func sampling(repeats: Int) {
        print("\n## PixelRNN sampling, 16 images of 28×28 (threads: \(ComputeThreads.count))")
        for kind in PixelRNNLayerKind.allCases {
            var generator = RandomGenerator(seed: 1)
            let model = PixelRNN(kind: kind, using: &generator)
            let fast = Timing.median(repeats: Swift.max(3, repeats / 10), warmup: 1) {
                var sampling = RandomGenerator(seed: 2)
                _ = model.sample(count: 16, using: &sampling)
            }
            var sampling = RandomGenerator(seed: 2), naiveSampling = RandomGenerator(seed: 2)
            let fastImages = model.sample(count: 16, using: &sampling)
            var naiveImages = fastImages
            let naive = Timing.seconds { naiveImages = model.sampleNaively(count: 16, using: &naiveSampling) }
            print("\(kind == .row ? "Row LSTM" : "Diagonal BiLSTM"): incremental \(format(fast, 3)) s (median of \(Swift.max(3, repeats / 10))), "
                  + "naive (784 full passes) \(format(naive, 2)) s (one run), speed-up \(format(naive / fast, 1))×, "
                  + "same images: \(fastImages.scalars == naiveImages.scalars)")
        }
    }
}
