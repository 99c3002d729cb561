/// The sizes of one 2-D convolution, always seen from the conv2d side: an input
/// [batch, inputChannels, inputHeight, inputWidth] is convolved with a kernel
/// [outputChannels, inputChannels, kernelHeight, kernelWidth] into
/// [batch, outputChannels, outputHeight, outputWidth].
///
/// A transposed convolution is the adjoint of such a conv2d, so it uses the same geometry with the
/// roles swapped: its input lives in the conv2d's output space and its output in the conv2d's input
/// space. Keeping one description means im2col, col2im and the GEMM sizes are written once.
struct ConvolutionGeometry {
    let batch: Int
    let inputChannels: Int, inputHeight: Int, inputWidth: Int
    let outputChannels: Int, outputHeight: Int, outputWidth: Int
    let kernelHeight: Int, kernelWidth: Int
    let strideHeight: Int, strideWidth: Int
    let paddingHeight: Int, paddingWidth: Int

    /// The kernel taps i·kW + j that the convolution uses, ascending, or nil for all of them. A
    /// masked convolution (``KernelMask``) packs and multiplies its live taps only.
    let liveTaps: [Int]?
    /// Column-matrix rows per input channel: kH·kW, or the number of live taps.
    let tapsPerChannel: Int
    /// Rows of the column matrix: one per (input channel, used kernel tap), the K of the GEMMs.
    let patchLength: Int
    /// Pixels of one output plane, H'·W'.
    let outputPlane: Int
    /// Pixels of one input plane, H·W.
    let inputPlane: Int

    /// The buffer im2col reads an input plane through (see ``PhasedPlane``): the padded rows the
    /// kernel reaches, (H' − 1)·sH + kH of them, each split into sW column phases of phaseWidth =
    /// W' + (kW − 1)/sW floats. Stored, not computed: the packing loops read them per row, and
    /// each would cost a division.
    let phaseWidth: Int
    /// sW·phaseWidth: the floats of one buffer row.
    let phasedRowLength: Int
    /// Floats of the whole buffer.
    let phasedBlock: Int
    /// Floats between the buffer rows of consecutive output rows: sH buffer rows.
    let windowPitch: Int
    /// Input rows and columns that some kernel tap reads; the rest (when the kernel does not fit a
    /// whole number of strides) only ever meet zero weights, and are skipped.
    let reachableHeight: Int, reachableWidth: Int

    /// GEMM columns (images × output pixels) that one im2col + GEMM round aims for. A 7×7 output
    /// gives per-image GEMMs only 49 columns wide, which BLAS runs slowly, and the staging between
    /// [images, channels, pixels] and [channels, images, pixels] costs a pass a single image does not
    /// need; a whole batch per round makes a column matrix (12.8 MB for the conv VAE's second layer
    /// at batch 128) that falls out of cache between im2col and the GEMM. Measured on the conv VAE's
    /// layers at batch 128, one thread: rounds of 256–1024 columns were 10–30% faster than either
    /// extreme (for example 17.2 ms forward + backward of its 32→64 conv, against 19.3 ms per image
    /// and 18.2 ms per batch); on two threads 512 and 1024 differed by less than the machine's
    /// noise. Task-local, like ``columnBudget``, so tests can force rounds.
    @TaskLocal static var preferredGEMMWidth = 512

    /// Floats the column matrix of one round may hold (32 MiB), so a layer with large patches
    /// (PixelCNN's 7×7 kernels over 64 channels need 2.5 M floats per 28×28 image) runs in bounded
    /// memory. Task-local so tests can force several rounds on small inputs without affecting
    /// other tasks.
    @TaskLocal static var columnBudget = 1 << 23

    /// Images per im2col + GEMM round: enough for ``preferredGEMMWidth`` columns, within
    /// ``columnBudget``, and no more than a thread's share of the batch. Fixed when the op runs,
    /// because its VJP must see the same rounds.
    let imagesPerGroup: Int

    /// Consecutive image ranges covering the batch, each at most ``imagesPerGroup`` long.
    var imageGroups: [Range<Int>] {
        let size = imagesPerGroup
        return stride(from: 0, to: batch, by: size).map { $0..<Swift.min($0 + size, batch) }
    }

    /// The geometry of `input.conv2d(weight:)`.
    ///
    /// - Parameters:
    ///   - input: [N, C, H, W].
    ///   - weight: [O, C, kH, kW].
    init(convolving input: Shape, with weight: Shape, stride: (Int, Int), padding: (Int, Int), op: String) {
        Self.checkHyperparameters(stride: stride, padding: padding, op: op)
        precondition(input.rank == 4, "\(op): input must be [N, C, H, W], got \(input)")
        precondition(weight.rank == 4 && weight[1] == input[1],
                     "\(op): weight \(weight) does not fit input \(input) (expected [O, \(input[1]), kH, kW])")
        precondition(weight[0] > 0 && weight[2] > 0 && weight[3] > 0 && input[1] > 0,
                     "\(op): weight \(weight) and input \(input) need positive channels and kernel sizes")
        let outputHeight = Self.convolvedLength(input[2], kernel: weight[2], stride: stride.0, padding: padding.0)
        let outputWidth = Self.convolvedLength(input[3], kernel: weight[3], stride: stride.1, padding: padding.1)
        precondition(outputHeight > 0 && outputWidth > 0,
                     "\(op): kernel \(weight[2])×\(weight[3]) with padding \(padding) does not fit input \(input)")
        self.init(batch: input[0], inputChannels: input[1], inputHeight: input[2], inputWidth: input[3],
                  outputChannels: weight[0], outputHeight: outputHeight, outputWidth: outputWidth,
                  kernelHeight: weight[2], kernelWidth: weight[3],
                  strideHeight: stride.0, strideWidth: stride.1, paddingHeight: padding.0, paddingWidth: padding.1)
    }

    /// The geometry of `input.maskedConv2d(weight:mask:)`: stride 1, padding (kH/2, kW/2), so the
    /// output has the input's size, and only the mask's live taps in the column matrix.
    ///
    /// - Parameters:
    ///   - input: [N, C, H, W].
    ///   - weight: [O, C, kH, kW] with kH×kW the mask's size.
    init(maskedConvolving input: Shape, with weight: Shape, mask: KernelMask, op: String) {
        precondition(input.rank == 4, "\(op): input must be [N, C, H, W], got \(input)")
        precondition(weight.rank == 4 && weight[1] == input[1] && weight[2] == mask.height && weight[3] == mask.width,
                     "\(op): weight \(weight) does not fit input \(input) and a \(mask.height)×\(mask.width) mask "
                        + "(expected [O, \(input[1]), \(mask.height), \(mask.width)])")
        precondition(weight[0] > 0 && input[1] > 0 && input[2] > 0 && input[3] > 0,
                     "\(op): weight \(weight) and input \(input) need positive channels and sizes")
        self.init(batch: input[0], inputChannels: input[1], inputHeight: input[2], inputWidth: input[3],
                  outputChannels: weight[0], outputHeight: input[2], outputWidth: input[3],
                  kernelHeight: mask.height, kernelWidth: mask.width,
                  strideHeight: 1, strideWidth: 1, paddingHeight: mask.height / 2, paddingWidth: mask.width / 2,
                  liveTaps: mask.liveTaps)
    }

    /// The geometry of the conv2d whose adjoint is `input.transposedConv2d(weight:)`.
    ///
    /// - Parameters:
    ///   - input: [N, C, H, W], which lives in that conv2d's output space.
    ///   - weight: [C, O, kH, kW]; as a conv2d kernel it maps O channels to C.
    /// The transposed convolution's output, [N, O, H', W'] with H' = (H − 1)·s − 2p + kH + outputPadding,
    /// is that conv2d's input.
    init(transposing input: Shape, with weight: Shape, stride: (Int, Int), padding: (Int, Int),
         outputPadding: (Int, Int), op: String) {
        Self.checkHyperparameters(stride: stride, padding: padding, op: op)
        precondition(input.rank == 4, "\(op): input must be [N, C, H, W], got \(input)")
        precondition(weight.rank == 4 && weight[0] == input[1],
                     "\(op): weight \(weight) does not fit input \(input) (expected [\(input[1]), O, kH, kW])")
        precondition(weight[1] > 0 && weight[2] > 0 && weight[3] > 0 && input[1] > 0 && input[2] > 0 && input[3] > 0,
                     "\(op): weight \(weight) and input \(input) need positive channels, sizes and kernel sizes")
        // Without this, several output sizes would convolve back to the same input size and the
        // extra rows would have no input to come from (PyTorch has the same rule).
        precondition(outputPadding.0 >= 0 && outputPadding.1 >= 0 && outputPadding.0 < stride.0 && outputPadding.1 < stride.1,
                     "\(op): output padding \(outputPadding) must be non-negative and smaller than the stride \(stride)")
        let outputHeight = (input[2] - 1) * stride.0 - 2 * padding.0 + weight[2] + outputPadding.0
        let outputWidth = (input[3] - 1) * stride.1 - 2 * padding.1 + weight[3] + outputPadding.1
        precondition(outputHeight > 0 && outputWidth > 0,
                     "\(op): input \(input) with weight \(weight), stride \(stride) and padding \(padding) gives an empty output")
        self.init(batch: input[0], inputChannels: weight[1], inputHeight: outputHeight, inputWidth: outputWidth,
                  outputChannels: input[1], outputHeight: input[2], outputWidth: input[3],
                  kernelHeight: weight[2], kernelWidth: weight[3],
                  strideHeight: stride.0, strideWidth: stride.1, paddingHeight: padding.0, paddingWidth: padding.1)
        assert(Self.convolvedLength(outputHeight, kernel: weight[2], stride: stride.0, padding: padding.0) == input[2]
               && Self.convolvedLength(outputWidth, kernel: weight[3], stride: stride.1, padding: padding.1) == input[3])
    }

    private init(batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int,
                 outputChannels: Int, outputHeight: Int, outputWidth: Int, kernelHeight: Int, kernelWidth: Int,
                 strideHeight: Int, strideWidth: Int, paddingHeight: Int, paddingWidth: Int, liveTaps: [Int]? = nil) {
        self.batch = batch
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputChannels = outputChannels
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.paddingHeight = paddingHeight
        self.paddingWidth = paddingWidth
        self.liveTaps = liveTaps
        tapsPerChannel = liveTaps?.count ?? kernelHeight * kernelWidth
        patchLength = inputChannels * tapsPerChannel
        outputPlane = outputHeight * outputWidth
        inputPlane = inputHeight * inputWidth
        phaseWidth = outputWidth + (kernelWidth - 1) / strideWidth
        phasedRowLength = strideWidth * phaseWidth
        let paddedHeight = (outputHeight - 1) * strideHeight + kernelHeight
        phasedBlock = paddedHeight * phasedRowLength
        windowPitch = strideHeight * phasedRowLength
        reachableHeight = Swift.max(0, Swift.min(inputHeight, paddedHeight - paddingHeight))
        reachableWidth = Swift.max(0, Swift.min(inputWidth, phasedRowLength - paddingWidth))
        let columnsPerImage = Swift.max(1, patchLength * outputPlane)
        let wanted = (Self.preferredGEMMWidth + outputPlane - 1) / Swift.max(1, outputPlane)
        // At least one round per thread where the batch allows, so ``RoundRunner`` can spread them.
        let perThread = (batch + ComputeThreads.count - 1) / ComputeThreads.count
        imagesPerGroup = Swift.max(1, Swift.min(batch, wanted, perThread, Self.columnBudget / columnsPerImage))
    }

    /// ⌊(length + 2·padding − kernel) / stride⌋ + 1, or 0 when the padded input is shorter than the kernel.
    static func convolvedLength(_ length: Int, kernel: Int, stride: Int, padding: Int) -> Int {
        let span = length + 2 * padding - kernel
        return span < 0 ? 0 : span / stride + 1
    }

    private static func checkHyperparameters(stride: (Int, Int), padding: (Int, Int), op: String) {
        precondition(stride.0 >= 1 && stride.1 >= 1, "\(op): stride \(stride) must be at least 1")
        precondition(padding.0 >= 0 && padding.1 >= 0, "\(op): padding \(padding) must be non-negative")
    }

    /// The output positions o in 0..<outputLength whose input position o·stride + offset lies in
    /// 0..<inputLength; the others read padding. `offset` is (kernel index − padding).
    @inline(__always)
    static func validOutputs(offset: Int, stride: Int, inputLength: Int, outputLength: Int) -> Range<Int> {
        let lower = Swift.min(offset >= 0 ? 0 : (-offset + stride - 1) / stride, outputLength)
        let last = inputLength - 1 - offset
        let upper = last < 0 ? 0 : Swift.min(last / stride + 1, outputLength)
        return lower..<Swift.max(lower, upper)
    }
}
