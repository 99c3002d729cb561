/// A stride-1, "same"-padded convolution (a masked convolution's shape) computed as one GEMM per
/// kernel tap over zero-bordered planes, with no column matrix.
///
/// The C input planes of one image are copied into a zero-bordered buffer Xp [C, plane]. Each
/// padded row holds the W pixels of an input row followed by pW zeros, Wp = W + pW floats: the
/// zeros after row r serve as the right border of row r and the left border of row r + 1, which
/// is all a kernel that reaches pW columns either way needs. pH zero rows come above and below,
/// and pW zeros before the first row and after the last, so that every shifted read stays inside
/// the buffer. Output pixel (r, c) sits at q = pW + (r + pH)·Wp + c, and tap (i, j) reads Xp at
/// q + δ, δ = (i − pH)·Wp + (j − pW): for every tap the same window of Xp, shifted. So over the
/// run q0 ..< q0 + L of positions that covers every output pixel (q0 = pW + pH·Wp,
/// L = (H − 1)·Wp + W):
///   Yp[:, run] = Σ_t W_t · Xp[:, run + δ_t]          W_t [O, C], one GEMM per tap, β = 1
/// where each B operand is a window of Xp with the plane size as leading dimension. The pW
/// positions of the run between two rows get values that are never read: y is copied out of Yp
/// row by row, adding the bias on the way. Backward, with the upstream gradient copied into a
/// zero-bordered Gp [O, plane] (its zeros keep those positions out of the sums):
///   dW_t += Gp[:, run] · Xp[:, run + δ_t]ᵀ,     dXp[:, run] = Σ_t W_tᵀ · Gp[:, run − δ_t]
/// and dX is copied out of dXp.
///
/// Against ``Im2ColConvolution``: OpenBLAS packs each shifted window straight from the padded
/// plane, as it packs a column matrix anyway, so the column matrix (T times the input) is never
/// written, kept for the backward pass, or summed back by col2im. The price is pW wasted GEMM
/// columns per row (3.6% for a 3×3 kernel on 28×28). Measured for PixelCNN's 3×3 mask-B layer,
/// 64 → 64 channels at 28×28, one image per GEMM, one thread, 64 images: the five per-tap GEMMs
/// of the forward pass took 27 ms against 31 ms for the im2col GEMM (64×784×320) alone, before
/// counting im2col; the weight-gradient GEMMs took as long as im2col's (33 against 31 ms) and the
/// input-gradient GEMMs 25–27 ms against 22 ms plus col2im. PixelCNN's step: BENCHMARKS.md.
/// With few input channels the per-tap GEMMs are too thin (K = C), so such layers keep im2col
/// (``minimumInputChannels``).
struct ShiftedTapConvolution {
    let geometry: ConvolutionGeometry
    /// The kernel taps i·kW + j in the order of the kernel matrix's column blocks.
    let taps: [Int]
    /// Wp = W + pW, and the floats of one padded plane, Hp·Wp + 2·pW.
    let paddedWidth: Int, paddedPlane: Int
    /// q0 and L: the run of padded positions that covers every output pixel.
    let runStart: Int, runLength: Int
    /// δ_t for each tap in ``taps``.
    let shifts: [Int]
    /// The elementwise work folded into the copies in and out of the padded planes.
    let fusion: Fusion

    /// Elementwise ops around the convolution that ride along with the plane copies, which touch
    /// every element anyway: PixelCNN's residual block x + conv(relu(x)) becomes one op.
    struct Fusion {
        /// Convolve relu(x) instead of x. Backward, the input gradient is masked by x > 0.
        var reluInput = false
        /// Add x to the output (output channels = input channels). Backward, the upstream
        /// gradient is added to the input gradient.
        var residual = false
    }

    /// Input channels below which a masked convolution keeps im2col: each per-tap GEMM has K = C.
    /// Task-local so tests can send small layers through this path.
    @TaskLocal static var minimumInputChannels = 16

    /// Whether `geometry` (of a masked convolution) has this path's shape and enough channels.
    static func applies(to geometry: ConvolutionGeometry) -> Bool {
        fits(geometry) && geometry.inputChannels >= minimumInputChannels
    }

    /// Stride 1, odd kernel, padding kH/2 and kW/2 (so the output has the input's size), and at
    /// least one live tap.
    static func fits(_ g: ConvolutionGeometry) -> Bool {
        guard let live = g.liveTaps, !live.isEmpty else { return false }
        return g.strideHeight == 1 && g.strideWidth == 1 && g.kernelHeight % 2 == 1 && g.kernelWidth % 2 == 1
            && g.outputHeight == g.inputHeight && g.outputWidth == g.inputWidth
            && g.paddingHeight == g.kernelHeight / 2 && g.paddingWidth == g.kernelWidth / 2
    }

    init(geometry g: ConvolutionGeometry, fusion: Fusion = Fusion()) {
        precondition(Self.fits(g), "ShiftedTapConvolution: not the geometry of a stride-1 masked convolution")
        precondition(!fusion.residual || g.inputChannels == g.outputChannels,
                     "ShiftedTapConvolution: a residual needs as many output channels as input channels")
        geometry = g
        self.fusion = fusion
        taps = g.liveTaps ?? []
        paddedWidth = g.inputWidth + g.paddingWidth
        paddedPlane = (g.inputHeight + 2 * g.paddingHeight) * paddedWidth + 2 * g.paddingWidth
        runStart = g.paddingWidth + g.paddingHeight * paddedWidth
        runLength = (g.inputHeight - 1) * paddedWidth + g.inputWidth
        let (kW, pH, pW, width) = (g.kernelWidth, g.paddingHeight, g.paddingWidth, paddedWidth)
        shifts = taps.map { tap in (tap / kW - pH) * width + (tap % kW - pW) }
    }

    /// y = Σ_t W_t · shift_t(a) + bias (+ x), [N, O, H, W], where a = x or, with
    /// ``Fusion/reluInput``, relu(x), and x is added when ``Fusion/residual``.
    ///
    /// - Parameters:
    ///   - x: [N, C, H, W].
    ///   - kernel: [O, T·C], column t·C + c holding tap `taps[t]` of input channel c.
    ///   - bias: [O], or nil.
    func forward(_ x: Tensor, kernel: Tensor, bias: Tensor?) -> Tensor {
        let g = geometry, this = self
        let runner = ShiftedTapScheduler(batch: g.batch)
        let inputs = makeZeroedPlanes(channels: g.inputChannels, workers: runner.workers)
        let outputs = (0..<runner.workers).map { _ in TensorStorage(count: g.outputChannels * paddedPlane) }
        let (kernelWidth, plane) = (taps.count * g.inputChannels, paddedPlane)
        return Tensor(shape: [g.batch, g.outputChannels, g.outputHeight, g.outputWidth]) { out in
            nonisolated(unsafe) let output = out.baseAddress!
            runner.run { worker, _, images in
                let (padded, result) = (inputs[worker].pointer, outputs[worker].pointer)
                for image in images {
                    let input = x.storage.pointer + image * g.inputChannels * g.inputPlane
                    this.pad(input, channels: g.inputChannels, relu: this.fusion.reluInput, into: padded)
                    for (index, shift) in this.shifts.enumerated() {
                        BLAS.gemm(transposeA: false, transposeB: false, m: g.outputChannels, n: this.runLength, k: g.inputChannels,
                                  a: kernel.storage.pointer + index * g.inputChannels, lda: kernelWidth,
                                  b: padded + this.runStart + shift, ldb: plane,
                                  beta: index == 0 ? 0 : 1, c: result + this.runStart, ldc: plane)
                    }
                    this.unpad(result, channels: g.outputChannels, bias: bias?.storage.pointer,
                               adding: this.fusion.residual ? input : nil, into: output + image * g.outputChannels * g.outputPlane)
                }
            }
            withExtendedLifetime((inputs, outputs)) {}
        }
    }

    /// What ``backward(_:kernel:upstream:needs:)`` computes.
    struct Needs {
        var input: Bool, kernel: Bool, bias: Bool
    }

    /// The gradients of the input x ([N, C, H, W]), of the kernel ([O, T·C]) and of the bias
    /// ([O]) from the upstream gradient G [N, O, H, W], each when needed. The bias gradient is
    /// summed while G is copied into its padded planes, so it costs no pass of its own.
    func backward(_ x: Tensor, kernel: Tensor, upstream: Tensor,
                  needs: Needs) -> (input: TensorStorage?, kernel: TensorStorage?, bias: TensorStorage?) {
        guard needs.input || needs.kernel || needs.bias else { return (nil, nil, nil) }
        let g = geometry, this = self
        let runner = ShiftedTapScheduler(batch: g.batch)
        // The kernel matrix's rows are T·C floats: its leading dimension and that of dW's partial sums.
        let (kernelWidth, plane) = (taps.count * g.inputChannels, paddedPlane)
        let gradients = makeZeroedPlanes(channels: g.outputChannels, workers: runner.workers)
        let inputs = needs.kernel ? makeZeroedPlanes(channels: g.inputChannels, workers: runner.workers) : []
        let inputGradients = needs.input ? (0..<runner.workers).map { _ in TensorStorage(count: g.inputChannels * plane) } : []
        let inputGradient = needs.input ? TensorStorage(count: x.elementCount) : nil
        nonisolated(unsafe) let inputGradientPointer = inputGradient?.pointer
        // One sum per chunk of images, added up in chunk order afterwards, so that the sums do not
        // depend on which thread took which chunk; zeroed, so every image accumulates.
        let (kernelCount, biasCount) = (g.outputChannels * kernelWidth, g.outputChannels)
        let kernelPartials = needs.kernel ? runner.makeChunkSums(count: kernelCount) : nil
        let biasPartials = needs.bias ? runner.makeChunkSums(count: biasCount) : nil
        runner.run { worker, chunk, images in
            let paddedGradient = gradients[worker].pointer
            let kernelSums = kernelPartials.map { $0.pointer + chunk * kernelCount }
            let biasSums = biasPartials.map { $0.pointer + chunk * biasCount }
            for image in images {
                let input = x.storage.pointer + image * g.inputChannels * g.inputPlane
                let gradient = upstream.storage.pointer + image * g.outputChannels * g.outputPlane
                this.pad(gradient, channels: g.outputChannels, summingInto: biasSums,
                         into: paddedGradient)
                if let kernelSums {   // dW_t += Gp[:, run] · Xp[:, run + δ_t]ᵀ
                    let padded = inputs[worker].pointer
                    this.pad(input, channels: g.inputChannels, relu: this.fusion.reluInput, into: padded)
                    for (index, shift) in this.shifts.enumerated() {
                        BLAS.gemm(transposeA: false, transposeB: true, m: g.outputChannels, n: g.inputChannels, k: this.runLength,
                                  a: paddedGradient + this.runStart, lda: plane, b: padded + this.runStart + shift, ldb: plane,
                                  beta: 1, c: kernelSums + index * g.inputChannels, ldc: kernelWidth)
                    }
                }
                if let inputGradientPointer {   // dXp[:, run] = Σ_t W_tᵀ · Gp[:, run − δ_t]
                    let result = inputGradients[worker].pointer
                    for (index, shift) in this.shifts.enumerated() {
                        BLAS.gemm(transposeA: true, transposeB: false, m: g.inputChannels, n: this.runLength, k: g.outputChannels,
                                  a: kernel.storage.pointer + index * g.inputChannels, lda: kernelWidth,
                                  b: paddedGradient + this.runStart - shift, ldb: plane,
                                  beta: index == 0 ? 0 : 1, c: result + this.runStart, ldc: plane)
                    }
                    this.unpadGradient(result, channels: g.inputChannels, reluOf: this.fusion.reluInput ? input : nil,
                                       adding: this.fusion.residual ? gradient : nil,
                                       into: inputGradientPointer + image * g.inputChannels * g.inputPlane)
                }
            }
        }
        withExtendedLifetime((gradients, inputs, inputGradients)) {}
        return (inputGradient, kernelPartials.map { runner.combine($0, count: kernelCount) },
                biasPartials.map { runner.combine($0, count: biasCount) })
    }
}
