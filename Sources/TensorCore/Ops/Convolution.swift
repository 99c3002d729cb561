/// 2-D convolution (cross-correlation, as in PyTorch), with its VJP: on oneDNN's direct
/// convolutions where they are faster (``OneDNNConvolution``), else by im2col + GEMM, the passes of
/// ``Im2ColConvolution`` with the weight [O, C·kH·kW] as the kernel matrix; and
/// db = Σ over images and pixels of the upstream gradient.

extension Tensor {
    /// 2-D convolution of a batch of images with the same stride and padding along both axes.
    ///
    /// - Parameters:
    ///   - self: the input, [N, C, H, W].
    ///   - weight: [O, C, kH, kW], PyTorch's Conv2d layout (checkpoints map one to one).
    ///   - bias: [O], or nil.
    ///   - stride: step between kernel positions, ≥ 1.
    ///   - padding: zeros added on each side of both spatial axes, ≥ 0.
    /// - Returns: [N, O, H', W'] with H' = ⌊(H + 2·padding − kH) / stride⌋ + 1, likewise W'.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) -> Tensor {
        conv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding))
    }

    /// 2-D convolution with separate (height, width) strides and paddings; otherwise as the
    /// overload that takes one stride and one padding for both axes.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (height: Int, width: Int),
                       padding: (height: Int, width: Int)) -> Tensor {
        let x = self
        let geometry = ConvolutionGeometry(convolving: x.shape, with: weight.shape, stride: (stride.height, stride.width),
                                           padding: (padding.height, padding.width), op: "conv2d")
        if let bias {
            precondition(bias.shape == [geometry.outputChannels],
                         "conv2d: bias \(bias.shape) does not match weight \(weight.shape) (expected [\(geometry.outputChannels)])")
        }
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        if let convolution = OneDNNConvolution(geometry) {
            let result = Tensor(shape: [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]) { out in
                convolution.forward(x.storage.pointer, weight: weight.storage.pointer, bias: bias?.storage.pointer, into: out.baseAddress!)
            }
            return result.recorded(from: operands) { context in
                var gradients: [Tensor?] = [nil, nil, nil]
                if context.needsGradient(0) {
                    gradients[0] = Tensor(shape: x.shape) { out in
                        convolution.backwardData(context.upstream.storage.pointer, weight: weight.storage.pointer, into: out.baseAddress!)
                    }
                }
                if context.needsGradient(1) {
                    gradients[1] = Tensor(shape: weight.shape,
                                          storage: convolution.backwardWeights(input: x.storage.pointer,
                                                                               outputGradient: context.upstream.storage.pointer))
                }
                if bias != nil, context.needsGradient(2) {
                    gradients[2] = context.upstream.channelSums()
                }
                return Array(gradients.prefix(operands.count))
            }
        }
        let convolution = Im2ColConvolution(geometry: geometry)
        // The weight gradient needs im2col(x) again: keep it when that gradient will be asked for.
        let (result, keptColumns) = convolution.forward(x, kernel: weight, bias: bias,
                                                        keepingColumns: GradientTape.isRecording && weight.isDifferentiable)
        return result.recorded(from: operands) { context in
            var gradients: [Tensor?] = [nil, nil, nil]
            let (input, kernel) = convolution.backward(x, kernel: weight, keptColumns: keptColumns, upstream: context.upstream,
                                                       needsInput: context.needsGradient(0), needsKernel: context.needsGradient(1))
            gradients[0] = input.map { Tensor(shape: x.shape, storage: $0) }
            gradients[1] = kernel.map { Tensor(shape: weight.shape, storage: $0) }
            if bias != nil, context.needsGradient(2) {
                gradients[2] = context.upstream.channelSums()
            }
            return Array(gradients.prefix(operands.count))
        }
    }
}
