import GenerativeModels
import NN
import TensorCore

/// The reference PixelCNN (pixelcnn_torch.py: 7×7 mask A 1→64, 5 residual 3×3 mask-B blocks,
/// 1×1 to Bernoulli logits). Section `pixelcnn`: its masked layers and a training step at batch 128
/// (forward, backward, Adam), with the masked convolutions over their live taps only and over full
/// kernels times the mask, as PyTorch computes them. Section `pixelcnn-sample`: 16 28×28 samples
/// drawn pixel by pixel, incrementally and with 784 full forward passes.
enum PixelCNNBenchmark {
    /// The layers, then the training step. Its inputs are random binary images (a pixel is 1 with
    /// probability 0.3, about the share in binarized Fashion-MNIST); the work does not depend on
    /// the values.
    static func run(repeats: Int) {
        layers(repeats: repeats)
        print("\n## PixelCNN (reference architecture), batch 128, Bernoulli, Adam (threads: \(ComputeThreads.count))")
        var generator = RandomGenerator(seed: 1)
        let model = PixelCNN(using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
        let batches = (0..<4).map { _ in
            PixelDistribution.bernoulli.quantized(Tensor.uniform([128, 1, 28, 28], low: 0.2, high: 1.2, using: &generator) - 0.5)
        }
        // A step takes a good fraction of a second: fewer repeats than the other sections. Live
        // taps and full kernels alternate, so both see the same machine conditions.
        let steps = Swift.max(5, repeats / 2)
        var index = 0
        func nextBatch() -> Tensor {
            index += 1
            return batches[index % batches.count]
        }
        func with(_ computation: MaskedConv2d.Computation, _ body: @escaping () -> Void) -> () -> Void {
            { model.setComputation(computation); body() }
        }
        let computations: [MaskedConv2d.Computation] = [.liveTaps, .fullKernel]
        let forward = Timing.interleavedMedians(repeats: steps, computations.map { computation in
            with(computation) { _ = withoutGradients { model.loss(nextBatch()) } }
        })
        let forwardBackward = Timing.interleavedMedians(repeats: steps, computations.map { computation in
            with(computation) { _ = model.loss(nextBatch()).backward() }
        })
        let step = Timing.interleavedMedians(repeats: steps, computations.map { computation in
            with(computation) { optimizer.step(model.loss(nextBatch()).backward()) }
        })
        model.setComputation(.liveTaps)
        let widths = [12, 14, 14, 14, 16]
        printRow(["convolutions", "forward ms", "fwd+bwd ms", "step ms", "469 steps s"], widths: widths)
        for (index, computation) in computations.enumerated() {
            printRow([computation.rawValue, format(forward.medians[index] * 1e3, 1), format(forwardBackward.medians[index] * 1e3, 1),
                      format(step.medians[index] * 1e3, 1), format(step.medians[index] * 469, 1)], widths: widths)
        }
        print("live taps / full kernels (median of per-round ratios, \(steps) rounds): forward \(format(1 / forward.ratios[1], 3)), "
              + "fwd+bwd \(format(1 / forwardBackward.ratios[1], 3)), full step \(format(1 / step.ratios[1], 3))")
    }

    /// Section `pixelcnn-step`: the training step alone, live taps only, every step's time
    /// printed. Shorter than `pixelcnn`, for profiling and for comparing two builds in turn.
    static func steps(repeats: Int) {
        print("\n## PixelCNN training step, live taps, batch 128 (threads: \(ComputeThreads.count))")
        var generator = RandomGenerator(seed: 1)
        let model = PixelCNN(using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
        let batch = PixelDistribution.bernoulli.quantized(Tensor.uniform([128, 1, 28, 28], low: 0.2, high: 1.2, using: &generator) - 0.5)
        optimizer.step(model.loss(batch).backward())   // warm-up: buffers, pages, threads
        let times = (0..<repeats).map { _ in Timing.seconds { optimizer.step(model.loss(batch).backward()) } }
        print("step ms: " + times.map { format($0 * 1e3, 1) }.joined(separator: " "))
        print("median \(format(times.sorted()[times.count / 2] * 1e3, 1)) ms, min \(format(times.min()! * 1e3, 1)) ms")
    }

    /// 16 28×28 images drawn pixel by pixel from the reference architecture (untrained; the work
    /// does not depend on the weights): incrementally, and with 784 full forward passes.
    static func sampling(repeats: Int) {
        var generator = RandomGenerator(seed: 1)
        let model = PixelCNN(using: &generator)
        print("\n## PixelCNN sampling, 16 images of 28×28 (threads: \(ComputeThreads.count))")
        let fast = Timing.median(repeats: Swift.max(3, repeats / 10), warmup: 1) {
            var sampling = RandomGenerator(seed: 2)
            _ = model.sample(count: 16, using: &sampling)
        }
        var sampling = RandomGenerator(seed: 2), naiveSampling = RandomGenerator(seed: 2)
        let fastImages = model.sample(count: 16, using: &sampling)
        var naiveImages = fastImages
        let naive = Timing.seconds { naiveImages = model.sampleNaively(count: 16, using: &naiveSampling) }
        print("incremental (one pass in all)  \(format(fast, 3)) s (median of \(Swift.max(3, repeats / 10)))")
        print("naive (784 full passes)        \(format(naive, 3)) s (one run)")
        print("speed-up \(format(naive / fast, 1))×; same images: \(fastImages.scalars == naiveImages.scalars)")
    }

    /// The two masked layers alone, forward and forward + backward (the first layer's input is
    /// data, so it gets no input gradient), over live taps and over full kernels. GFLOP/s count
    /// the GEMM work actually done: 2·N·O·P·K per pass with K = C·T live taps or C·kH·kW.
    static func layers(repeats: Int) {
        print("\n## PixelCNN masked convolutions, batch 128, 28×28 (median of \(repeats); threads: \(ComputeThreads.count))")
        let widths = [24, 11, 10, 9, 12, 9]
        printRow(["layer", "taps", "fwd ms", "GFLOP/s", "fwd+bwd ms", "GFLOP/s"], widths: widths)
        var generator = RandomGenerator(seed: 3)
        for (name, type, inputs, size) in [("7×7 mask A 1→64", KernelMask.CausalType.a, 1, 7), ("3×3 mask B 64→64", .b, 64, 3)] {
            let layer = MaskedConv2d(type, inputs: inputs, outputs: 64, kernelSize: size, using: &generator)
            let x = Tensor.normal([128, inputs, 28, 28], using: &generator, requiresGradient: inputs > 1)
            let upstream = Tensor.normal([128, 64, 28, 28], using: &generator)
            let computations: [MaskedConv2d.Computation] = [.liveTaps, .fullKernel]
            let forward = Timing.interleavedMedians(repeats: repeats, computations.map { computation in
                { layer.computation = computation; _ = withoutGradients { layer(x) } }
            })
            let both = Timing.interleavedMedians(repeats: repeats, computations.map { computation in
                { layer.computation = computation; _ = layer(x).backward(seed: upstream) }
            })
            for (index, computation) in computations.enumerated() {
                let taps = computation == .liveTaps ? layer.mask.liveTaps.count : size * size
                let passFlops = 2 * Double(128 * 64 * 784 * inputs * taps)
                let bothFlops = passFlops * (inputs > 1 ? 3 : 2)
                printRow(["\(name), \(computation.rawValue)", "\(taps)", format(forward.medians[index] * 1e3, 2),
                          format(passFlops / forward.medians[index] / 1e9, 1), format(both.medians[index] * 1e3, 2),
                          format(bothFlops / both.medians[index] / 1e9, 1)], widths: widths)
            }
        }
    }
}
