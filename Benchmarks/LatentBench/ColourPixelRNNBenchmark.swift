import GenerativeModels
import NN
import TensorCore

/// The colour PixelRNN as `latent train pixelrnn` builds it on CIFAR-10 (7×7 mask A 3→96 over the
/// R, G, B groups, 7 residual layers of 48 state channels, a 256-way categorical per sub-pixel,
/// Adam 1e-3, batch 16). Section `pixelrnn-colour`: a training step of each layer on 32×32 images,
/// whose median times 625 batches is an epoch of one CIFAR-10 batch file (10,000 images); section
/// `pixelrnn-colour-sample`: 4 images of 16×16 drawn sub-pixel by sub-pixel, incrementally and
/// with 3·16·16 = 768 full forward passes.
enum ColourPixelRNNBenchmark {
    static let units = 48, levels = 256

    static func model(_ kind: PixelRNNLayerKind) -> PixelRNN {
        var generator = RandomGenerator(seed: 1)
        return PixelRNN(kind: kind, units: units, distribution: .categorical(levels: levels), imageChannels: 3, using: &generator)
    }

    /// Random 8-bit colour images; the work does not depend on the values.
    static func batches(count: Int, size: Int, using generator: inout RandomGenerator) -> [Tensor] {
        (0..<count).map { _ in PixelDistribution.categorical(levels: levels).quantized(Tensor.uniform([size, 3, 32, 32], using: &generator)) }
    }

    static func run(repeats: Int, kinds: [PixelRNNLayerKind] = PixelRNNLayerKind.allCases) {
        print("\n## Colour PixelRNN training step, batch 16, 3×32×32, 256 levels per sub-pixel, U = \(units), Adam (threads: \(ComputeThreads.count))")
        let widths = [18, 12, 14, 12, 14]
        printRow(["layer", "forward ms", "fwd+bwd ms", "step ms", "625 steps s"], widths: widths)
        for kind in kinds {
            let model = model(kind)
            let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
            var generator = RandomGenerator(seed: 2)
            let inputs = batches(count: 2, size: 16, using: &generator)
            var index = 0
            func nextBatch() -> Tensor {
                index += 1
                return inputs[index % inputs.count]
            }
            let loss = { (batch: Tensor) in model.negativeLogLikelihood(batch, labels: nil).mean() }
            let forward = Timing.median(repeats: repeats, warmup: 1) { _ = withoutGradients { loss(nextBatch()) } }
            let both = Timing.median(repeats: repeats, warmup: 1) { _ = loss(nextBatch()).backward() }
            let step = Timing.median(repeats: repeats, warmup: 1) { optimizer.step(loss(nextBatch()).backward()) }
            printRow([kind == .row ? "Row LSTM" : "Diagonal BiLSTM", format(forward * 1e3, 1), format(both * 1e3, 1),
                      format(step * 1e3, 1), format(step * 625, 0)], widths: widths)
        }
    }

    static func sampling(repeats: Int) {
        print("\n## Colour PixelRNN sampling, 4 images of 3×16×16, U = \(units) (threads: \(ComputeThreads.count))")
        for kind in PixelRNNLayerKind.allCases {
            let model = model(kind)
            let fast = Timing.median(repeats: Swift.max(3, repeats / 10), warmup: 1) {
                var sampling = RandomGenerator(seed: 2)
                _ = model.sample(count: 4, height: 16, width: 16, using: &sampling)
            }
            var sampling = RandomGenerator(seed: 2), naiveSampling = RandomGenerator(seed: 2)
            let fastImages = model.sample(count: 4, height: 16, width: 16, using: &sampling)
            var naiveImages = fastImages
            let naive = Timing.seconds { naiveImages = model.sampleNaively(count: 4, height: 16, width: 16, using: &naiveSampling) }
            print("\(kind == .row ? "Row LSTM" : "Diagonal BiLSTM"): incremental \(format(fast, 3)) s (median of \(Swift.max(3, repeats / 10))), "
                  + "naive (768 full passes) \(format(naive, 2)) s (one run), speed-up \(format(naive / fast, 1))×, "
                  + "same images: \(fastImages.scalars == naiveImages.scalars)")
        }
    }
}
