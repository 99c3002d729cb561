/// Masked 2-D convolution: a stride-1, "same"-padded conv2d whose kernel has dead taps (see
/// ``KernelMask``), computed over the live taps only.
///
/// The usual way (PyTorch's PixelCNN code) multiplies the weight by the mask and runs the full
/// convolution, spending most of its work on zeros: a 3×3 mask B keeps 5 of 9 taps, a 7×7 mask A
/// 24 of 49. Here only the T live taps are multiplied, in one of two ways:
/// - with at least ``ShiftedTapConvolution/minimumInputChannels`` input channels (PixelCNN's
///   hidden layers), one GEMM per live tap over zero-bordered copies of the input planes
///   (``ShiftedTapConvolution``), with no column matrix;
/// - otherwise (a first layer over 1 channel, where a per-tap GEMM would have K = 1), im2col packs
///   the live taps only and one GEMM multiplies by the weight's live columns, K = C·T instead of
///   C·kH·kW (``Im2ColConvolution``):
///     live    = W[:, :, live taps]              [O, C·T]
///     y       = live · im2col_live(x) + b       [N, O, H, W]
///   and backward: dlive = G · columnsᵀ, dX = col2im(liveᵀ · G), db = Σ over images and pixels of G.
/// Either way the live-column gradient is scattered back into a zero [O, C, kH, kW]: dead taps get a
/// zero gradient.

extension Tensor {
    /// The convolution of a batch of images with `weight` restricted to the live taps of `mask`,
    /// with stride 1 and padding (kH/2, kW/2): the same function as
    /// `conv2d(weight: weight * mask.tensor(), bias: bias, stride: 1, padding: (kH/2, kW/2))`.
    ///
    /// - Parameters:
    ///   - self: the input, [N, C, H, W].
    ///   - weight: [O, C, kH, kW], PyTorch's Conv2d layout, kH×kW the mask's size. Dead taps are
    ///     never read.
    ///   - bias: [O], or nil.
    ///   - mask: which taps are live.
    /// - Returns: [N, O, H, W].
    public func maskedConv2d(weight: Tensor, bias: Tensor? = nil, mask: KernelMask) -> Tensor {
        let x = self
        let geometry = ConvolutionGeometry(maskedConvolving: x.shape, with: weight.shape, mask: mask, op: "maskedConv2d")
        if let bias {
            precondition(bias.shape == [geometry.outputChannels],
                         "maskedConv2d: bias \(bias.shape) does not match weight \(weight.shape) (expected [\(geometry.outputChannels)])")
        }
        if ShiftedTapConvolution.applies(to: geometry) {
            // Enough input channels for one GEMM per live tap: no column matrix at all.
            return ShiftedTapConvolution(geometry: geometry).record(x, weight: weight, bias: bias, mask: mask)
        }
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        let layout = LiveTapLayout(weight: weight.shape, mask: mask, order: .channelMajor)
        let kernel = layout.gather(weight)
        let convolution = Im2ColConvolution(geometry: geometry)
        let (result, keptColumns) = convolution.forward(x, kernel: kernel, bias: bias,
                                                        keepingColumns: GradientTape.isRecording && weight.isDifferentiable)
        return result.recorded(from: operands) { context in
            let (input, live) = convolution.backward(x, kernel: kernel, keptColumns: keptColumns, upstream: context.upstream,
                                                     needsInput: context.needsGradient(0), needsKernel: context.needsGradient(1))
            return Self.maskedGradients(input: input, live: live, layout: layout, x: x, hasBias: bias != nil, context: context)
        }
    }

    /// The gradients of [x, weight] or [x, weight, bias] from the input gradient and the kernel
    /// matrix's gradient of the im2col computation.
    private static func maskedGradients(input: TensorStorage?, live: TensorStorage?, layout: LiveTapLayout, x: Tensor,
                                        hasBias: Bool, context: BackwardContext) -> [Tensor?] {
        var gradients: [Tensor?] = [input.map { Tensor(shape: x.shape, storage: $0) }, live.map { layout.scatter($0) }]
        if hasBias { gradients.append(context.needsGradient(2) ? context.upstream.channelSums() : nil) }
        return gradients
    }
}

/// Where the live taps of an [O, C, kH, kW] weight go in the [O, C·T] kernel matrix of a masked
/// convolution.
struct LiveTapLayout {
    enum Order {
        /// Column c·T + t holds tap `liveTaps[t]` of input channel c: the order in which im2col
        /// writes the column-matrix rows (``Im2ColConvolution``).
        case channelMajor
        /// Column t·C + c: each tap's [O, C] block is one GEMM operand (``ShiftedTapConvolution``).
        case tapMajor
    }

    let weightShape: Shape
    let outputChannels: Int, inputChannels: Int
    let kernelTaps: Int
    let liveTaps: [Int]
    let order: Order
    /// A colour mask's centre-tap channel groups and the centre's index in `liveTaps`: the kernel
    /// matrix holds zeros for the pairs they disconnect, and their gradients are zeroed.
    let centre: (groups: ChannelGroupMask, index: Int)?

    init(weight: Shape, mask: KernelMask, order: Order) {
        weightShape = weight
        outputChannels = weight[0]
        inputChannels = weight[1]
        kernelTaps = weight[2] * weight[3]
        liveTaps = mask.liveTaps
        self.order = order
        centre = mask.centreGroups.map { ($0, mask.liveTaps.firstIndex(of: mask.centreTap)!) }
    }

    /// Sets the disconnected centre-tap entries of an [O, C·T] kernel matrix (or its gradient) to
    /// zero. Nothing to do for a mask without channel groups.
    func zeroDisconnectedCentrePairs(_ matrix: UnsafeMutablePointer<Float>) {
        guard let (groups, index) = centre else { return }
        let width = inputChannels * liveTaps.count
        for output in 0..<outputChannels {
            for channel in 0..<inputChannels
            where !groups.connects(output: output, of: outputChannels, input: channel, of: inputChannels) {
                matrix[output * width + column(channel: channel, index: index)] = 0
            }
        }
    }

    /// The kernel-matrix column of live tap `index` of input channel `channel`.
    @inline(__always)
    func column(channel: Int, index: Int) -> Int {
        order == .channelMajor ? channel * liveTaps.count + index : index * inputChannels + channel
    }

    /// The live columns of `weight`, [O, C·T]. Copied on every call (O·C·T floats, small next to
    /// the convolution), so an optimizer's in-place update of the weight is always seen.
    func gather(_ weight: Tensor) -> Tensor {
        let live = liveTaps.count, taps = kernelTaps, channels = inputChannels
        let source = weight.storage.pointer
        return Tensor(shape: [outputChannels, channels * live]) { out in
            for output in 0..<outputChannels {
                let target = out.baseAddress! + output * channels * live
                for channel in 0..<channels {
                    let kernel = source + (output * channels + channel) * taps
                    for (index, tap) in liveTaps.enumerated() { target[column(channel: channel, index: index)] = kernel[tap] }
                }
            }
            zeroDisconnectedCentrePairs(out.baseAddress!)
        }
    }

    /// The full [O, C, kH, kW] weight gradient of an [O, C·T] live-column gradient: zero at dead taps.
    func scatter(_ liveGradient: TensorStorage) -> Tensor {
        let live = liveTaps.count, taps = kernelTaps, channels = inputChannels
        let result = TensorStorage(repeating: 0, count: outputChannels * channels * taps)
        zeroDisconnectedCentrePairs(liveGradient.pointer)
        for output in 0..<outputChannels {
            let source = liveGradient.pointer + output * channels * live
            for channel in 0..<channels {
                let target = result.pointer + (output * channels + channel) * taps
                for (index, tap) in liveTaps.enumerated() { target[tap] = source[column(channel: channel, index: index)] }
            }
        }
        return Tensor(shape: weightShape, storage: result)
    }
}
