import GenerativeModels
import NN
import TensorCore

/// Section `pixelcnn-colour`: the colour PixelCNN of pixelcnn_color_torch.py (7×7 mask A 3→96,
/// five residual 3×3 mask-B blocks, 1×1 mask-B to 3·256 logits, R → G → B channel groups) at its
/// batch of 32 CIFAR-sized images: each layer and the 256-level loss alone, then the training
/// step, so a change to one part shows where its time went. GFLOP/s count the GEMM work over
/// live taps, 2·N·O·P·C·T per pass.
enum ColourPixelCNNBenchmark {
    static let (batch, size, channels, levels) = (32, 32, 96, 256)

    static func run(repeats: Int) {
        print("\n## Colour PixelCNN (reference architecture), batch \(batch) of 3×\(size)×\(size), 256 levels (median of \(repeats); threads: \(ComputeThreads.count))")
        var generator = RandomGenerator(seed: 1)
        let widths = [30, 9, 10, 9, 12, 9]
        printRow(["part", "taps", "fwd ms", "GFLOP/s", "fwd+bwd ms", "GFLOP/s"], widths: widths)
        // (name, layer, its input channels, whether it runs as the fused residual block)
        let layers: [(String, MaskedConv2d, Int, Bool)] = [
            ("7×7 mask A 3→96", MaskedConv2d(.a, inputs: 3, outputs: channels, kernelSize: 7, channelGroups: 3, using: &generator), 3, false),
            ("3×3 mask B 96→96, residual", MaskedConv2d(.b, inputs: channels, outputs: channels, kernelSize: 3, channelGroups: 3,
                                                         using: &generator), channels, true),
            ("1×1 mask B 96→768", MaskedConv2d(.b, inputs: channels, outputs: 3 * levels, kernelSize: 1, channelGroups: 3,
                                               using: &generator), channels, false),
        ]
        for (name, layer, inputs, isResidual) in layers {
            let isInput = inputs == 3
            let x = Tensor.normal([batch, inputs, size, size], using: &generator, requiresGradient: !isInput)
            let apply = { isResidual ? layer.residualBlock(x) : layer(x) }
            let forward = Timing.median(repeats: repeats) { _ = withoutGradients { apply() } }
            let both = Timing.median(repeats: repeats) { _ = apply().sum().backward() }
            let passFlops = 2 * Double(batch * layer.weight.shape[0] * size * size * inputs * layer.mask.liveTaps.count)
            let bothFlops = passFlops * (isInput ? 2 : 3)
            printRow([name, "\(layer.mask.liveTaps.count)", format(forward * 1e3, 2), format(passFlops / forward / 1e9, 1),
                      format(both * 1e3, 2), format(bothFlops / both / 1e9, 1)], widths: widths)
        }
        let model = PixelCNN(channels: channels, distribution: .categorical(levels: levels), imageChannels: 3, centresInput: true,
                             using: &generator)
        let images = model.distribution.quantized(Tensor.uniform([batch, 3, size, size], using: &generator))
        let logits = Tensor.normal([batch, 3 * levels, size, size], using: &generator, requiresGradient: true)
        let lossForward = Timing.median(repeats: repeats) {
            _ = withoutGradients { model.distribution.negativeLogLikelihood(logits: logits, images: images) }
        }
        let lossBoth = Timing.median(repeats: repeats) {
            _ = model.distribution.negativeLogLikelihood(logits: logits, images: images).sum().backward()
        }
        printRow(["256-level loss", "", format(lossForward * 1e3, 2), "", format(lossBoth * 1e3, 2), ""], widths: widths)

        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
        optimizer.step(model.loss(images).backward())   // warm-up: buffers, pages, primitives
        let steps = (0..<Swift.max(3, repeats / 2)).map { _ in Timing.seconds { optimizer.step(model.loss(images).backward()) } }
        print("training step ms: " + steps.map { format($0 * 1e3, 1) }.joined(separator: " "))
        print("median \(format(steps.sorted()[steps.count / 2] * 1e3, 1)) ms; 313 steps (one batch file) \(format(steps.sorted()[steps.count / 2] * 313, 1)) s")
    }
}
