import CDNNL
import Foundation

/// Convolutions on oneDNN's direct convolution primitives, for layers whose channel counts are
/// both multiples of 8, so that oneDNN's blocked layouts (8 or 16 channels per block) have no
/// ragged block. The default where oneDNN runs AVX-512 kernels; `LATENT_CONVOLUTION=onednn|im2col`
/// chooses (see ``isSelected``).
///
/// On their own, on the conv VAE's 32→64 layer at batch 128 (AMD Zen 3, AVX2, two OpenMP threads;
/// Benchmarks/floors/onednn_conv.c), oneDNN's forward, backward-data and backward-weights passes
/// take 2.6, 2.8 and 3.1 ms in blocked layouts, against 3.5 ms forward and 8.0 ms backward by
/// im2col + GEMM at the engine's best; in plain NCHW (its GEMM fallback) they are slower than
/// either. Inside the engine, with the reorders to and from the blocked layouts and one oneDNN
/// thread per engine thread, that advantage shrank to about 10% on that layer and none on the
/// transposed 64→32 one; whole conv VAE epochs took 17.2 s against 18.5 s (medians of four).
///
/// The batch runs in rounds of at most ``imagesPerRound`` images, fixed by the batch size alone,
/// which the threads share (``RoundRunner``). Each round's weight gradient is kept apart and the
/// rounds are added in order, so every result has the same bits whatever the thread count.
///
/// The geometry is that of the conv2d (a transposed convolution runs the passes of the conv2d it
/// is the adjoint of), with the weight [O, C, kH, kW].
struct OneDNNConvolution {
    /// Which product of the convolution a primitive computes.
    enum Pass: Hashable {
        /// y = conv(x, w) (+ b): [N, C, H, W] → [N, O, H', W'].
        case forward(bias: Bool)
        /// dx from dy: [N, O, H', W'] → [N, C, H, W], the adjoint of the forward pass.
        case backwardData
        /// dw from x and dy: [O, C, kH, kW].
        case backwardWeights

        var isForward: Bool {
            if case .forward = self { return true }
            return false
        }
    }

    /// The shape one primitive is made for: one round of `images` images.
    struct Key: Hashable {
        let pass: Pass
        let images: Int
        let inputChannels: Int, inputHeight: Int, inputWidth: Int
        let outputChannels: Int, outputHeight: Int, outputWidth: Int
        let kernelHeight: Int, kernelWidth: Int
        let strideHeight: Int, strideWidth: Int
        let paddingTop: Int, paddingLeft: Int, paddingBottom: Int, paddingRight: Int
    }

    /// Images per round: enough for oneDNN's kernels to run long, few enough that two threads
    /// share a batch of 32 evenly.
    static let imagesPerRound = 16

    /// Whether convolutions made now may take this path (when oneDNN is the GEMM backend):
    /// `LATENT_CONVOLUTION=onednn` or `im2col` chooses; unset, it is taken where oneDNN runs
    /// AVX-512 kernels. There the conv VAE's epoch took 13.4–13.7 s against 18.0–20.0 s by im2col
    /// + GEMM (Intel Xeon, AVX512_BF16, alternated); on AVX2 (AMD Zen 3) it ran 7% faster, within
    /// that machine's noise (BENCHMARKS.md, "GEMMs on oneDNN"), so im2col stays there. Task-local,
    /// so tests can choose it for their own convolutions.
    @TaskLocal static var isSelected = defaultSelection

    private static var defaultSelection: Bool {
        switch ProcessInfo.processInfo.environment["LATENT_CONVOLUTION"]?.lowercased() {
        case "onednn": true
        case "im2col": false
        default: OneDNNMatmul.runsAVX512Kernels
        }
    }

    let geometry: ConvolutionGeometry

    /// The oneDNN path for `geometry`, or nil where im2col + GEMM is the better (or only) way: a
    /// masked kernel, a channel count that is not a multiple of 8, or a shape oneDNN refuses; and
    /// under bf16 GEMMs (``GEMMPrecision``), since these primitives compute in FP32, while a
    /// convolution's GEMMs then take bf16 operands as every other GEMM of the step does.
    init?(_ geometry: ConvolutionGeometry) {
        guard Self.isSelected, GEMMBackend.current == .oneDNN, GEMMPrecision.current == .float32, geometry.liveTaps == nil,
              geometry.inputChannels % 8 == 0, geometry.outputChannels % 8 == 0, geometry.batch > 0 else { return nil }
        self.geometry = geometry
        // oneDNN accepts a shape for every batch size or for none: try all three passes once.
        guard let context = OneDNNThreadContext.current,
              [Pass.forward(bias: true), .forward(bias: false), .backwardData, .backwardWeights].allSatisfy({
                  primitive($0, images: 1, context: context) != nil
              })
        else { return nil }
    }

    private var rounds: [Range<Int>] {
        stride(from: 0, to: geometry.batch, by: Self.imagesPerRound).map { $0..<min($0 + Self.imagesPerRound, geometry.batch) }
    }

    private func key(_ pass: Pass, images: Int) -> Key {
        let g = geometry
        // The padding after the last row (column) that oneDNN needs to produce exactly H' (W')
        // outputs: what the last kernel position reaches past the input.
        let bottom = (g.outputHeight - 1) * g.strideHeight + g.kernelHeight - g.inputHeight - g.paddingHeight
        let right = (g.outputWidth - 1) * g.strideWidth + g.kernelWidth - g.inputWidth - g.paddingWidth
        return Key(pass: pass, images: images, inputChannels: g.inputChannels, inputHeight: g.inputHeight, inputWidth: g.inputWidth,
                   outputChannels: g.outputChannels, outputHeight: g.outputHeight, outputWidth: g.outputWidth,
                   kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth, strideHeight: g.strideHeight, strideWidth: g.strideWidth,
                   paddingTop: g.paddingHeight, paddingLeft: g.paddingWidth, paddingBottom: bottom, paddingRight: right)
    }

    private func primitive(_ pass: Pass, images: Int, context: OneDNNThreadContext) -> OneDNNConvolutionPrimitive? {
        let key = key(pass, images: images)
        return context.primitive(for: key) { OneDNNConvolutionPrimitive(key, engine: $0) }
    }

    /// Runs `pass` on every round, each with the buffers `buffers(images)` returns.
    private func run(_ pass: Pass, _ buffers: @escaping (Range<Int>) -> [Int32: UnsafeMutableRawPointer]) {
        RoundRunner(rounds: rounds).run { _, _, images in
            guard let context = OneDNNThreadContext.current, let primitive = primitive(pass, images: images.count, context: context),
                  primitive.run(buffers(images), context: context)
            else { preconditionFailure("oneDNN failed a convolution it accepted: \(key(pass, images: images.count))") }
        }
    }

    /// output [N, O, H', W'] = conv(input [N, C, H, W], weight [O, C, kH, kW]) (+ bias [O]).
    func forward(_ input: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                 into output: UnsafeMutablePointer<Float>) {
        let (inputImage, outputImage) = (geometry.inputChannels * geometry.inputPlane, geometry.outputChannels * geometry.outputPlane)
        nonisolated(unsafe) let pointers = (input, weight, bias, output)
        run(.forward(bias: bias != nil)) { images in
            var buffers: [Int32: UnsafeMutableRawPointer] = [
                DNNL_ARG_SRC: UnsafeMutableRawPointer(mutating: pointers.0 + images.lowerBound * inputImage),
                DNNL_ARG_WEIGHTS: UnsafeMutableRawPointer(mutating: pointers.1),
                DNNL_ARG_DST: UnsafeMutableRawPointer(pointers.3 + images.lowerBound * outputImage),
            ]
            if let bias = pointers.2 { buffers[DNNL_ARG_BIAS] = UnsafeMutableRawPointer(mutating: bias) }
            return buffers
        }
    }

    /// inputGradient [N, C, H, W] = the adjoint of the forward pass applied to outputGradient
    /// [N, O, H', W'] (a transposed convolution's forward pass).
    func backwardData(_ outputGradient: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                      into inputGradient: UnsafeMutablePointer<Float>) {
        let (inputImage, outputImage) = (geometry.inputChannels * geometry.inputPlane, geometry.outputChannels * geometry.outputPlane)
        nonisolated(unsafe) let pointers = (outputGradient, weight, inputGradient)
        run(.backwardData) { images in
            [DNNL_ARG_DIFF_DST: UnsafeMutableRawPointer(mutating: pointers.0 + images.lowerBound * outputImage),
             DNNL_ARG_WEIGHTS: UnsafeMutableRawPointer(mutating: pointers.1),
             DNNL_ARG_DIFF_SRC: UnsafeMutableRawPointer(pointers.2 + images.lowerBound * inputImage)]
        }
    }

    /// The weight gradient [O, C, kH, kW] of the forward pass, from its input [N, C, H, W] and
    /// the gradient of its output [N, O, H', W']: one sum per round, added in round order.
    func backwardWeights(input: UnsafePointer<Float>, outputGradient: UnsafePointer<Float>) -> TensorStorage {
        let (inputImage, outputImage) = (geometry.inputChannels * geometry.inputPlane, geometry.outputChannels * geometry.outputPlane)
        let weightCount = geometry.outputChannels * geometry.inputChannels * geometry.kernelHeight * geometry.kernelWidth
        let rounds = self.rounds
        let partials = rounds.map { _ in TensorStorage(count: weightCount) }
        nonisolated(unsafe) let pointers = (input, outputGradient, partials.map(\.pointer))
        run(.backwardWeights) { images in
            [DNNL_ARG_SRC: UnsafeMutableRawPointer(mutating: pointers.0 + images.lowerBound * inputImage),
             DNNL_ARG_DIFF_DST: UnsafeMutableRawPointer(mutating: pointers.1 + images.lowerBound * outputImage),
             DNNL_ARG_DIFF_WEIGHTS: UnsafeMutableRawPointer(pointers.2[images.lowerBound / Self.imagesPerRound])]
        }
        // At least one round: a convolution of no images does not come here (``init(_:)``).
        return RoundRunner(rounds: rounds).combine(partials)!
    }
}
