/// 2-D transposed convolution ("deconvolution", PyTorch's ConvTranspose2d), with its VJP.
///
/// It is the adjoint, with respect to its input, of the conv2d that has the same weight, stride
/// and padding and maps the transposed convolution's output space back to its input space. So per
/// group of images, with X the input as a [C, g·H·W] matrix:
///   y  = col2im(Wᵀ · X) + b                    (W seen as [C, O·kH·kW])
/// and backward, with columns = im2col(G) of the upstream gradient G:
///   dX = W · columns  (the conv2d of G),   dW = X · columnsᵀ,   db = Σ over images and pixels of G.

extension Tensor {
    /// 2-D transposed convolution with the same stride and padding along both axes.
    ///
    /// - Parameters:
    ///   - self: the input, [N, C, H, W].
    ///   - weight: [C, O, kH, kW], PyTorch's ConvTranspose2d layout.
    ///   - bias: [O], or nil.
    ///   - stride: ≥ 1; the output is about `stride` times larger than the input.
    ///   - padding: rows and columns removed from each side of the full output, ≥ 0.
    ///   - outputPadding: rows and columns added at the bottom and right, 0 ≤ outputPadding < stride,
    ///     to pick among the output sizes that a stride-s conv2d maps to the same input size.
    /// - Returns: [N, O, H', W'] with H' = (H − 1)·stride − 2·padding + kH + outputPadding, likewise W'.
    public func transposedConv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                 outputPadding: Int = 0) -> Tensor {
        transposedConv2d(weight: weight, bias: bias, stride: (stride, stride), padding: (padding, padding),
                         outputPadding: (outputPadding, outputPadding))
    }

    /// 2-D transposed convolution with separate (height, width) strides, paddings and output
    /// paddings; otherwise as the overload that takes one value of each for both axes.
    public func transposedConv2d(weight: Tensor, bias: Tensor? = nil, stride: (height: Int, width: Int),
                                 padding: (height: Int, width: Int),
                                 outputPadding: (height: Int, width: Int) = (0, 0)) -> Tensor {
        let x = self
        // The geometry of the conv2d this op is the adjoint of: its output space is x's.
        let geometry = ConvolutionGeometry(transposing: x.shape, with: weight.shape, stride: (stride.height, stride.width),
                                           padding: (padding.height, padding.width),
                                           outputPadding: (outputPadding.height, outputPadding.width),
                                           op: "transposedConv2d")
        if let bias {
            precondition(bias.shape == [geometry.inputChannels],
                         "transposedConv2d: bias \(bias.shape) does not match weight \(weight.shape) (expected [\(geometry.inputChannels)])")
        }
        let outputShape: Shape = [geometry.batch, geometry.inputChannels, geometry.inputHeight, geometry.inputWidth]
        if let convolution = OneDNNConvolution(geometry) {
            return x.transposedConv2d(on: convolution, weight: weight, bias: bias, outputShape: outputShape)
        }
        let runner = RoundRunner(geometry)
        let result = Tensor(shape: outputShape) { out in
            nonisolated(unsafe) let output = out.baseAddress!
            runner.run { _, _, images in
                geometry.withOutputSpaceMatrix(x.storage.pointer, images: images, threads: runner.threadsPerRound) { inputMatrix in
                    geometry.multiplyTransposed(weight: weight.storage.pointer, inputMatrix, images: images,
                                                bias: bias?.storage.pointer, threads: runner.threadsPerRound, into: output)
                }
            }
        }
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        return result.recorded(from: operands) { context in
            var gradients: [Tensor?] = [nil, nil, nil]
            let needsInput = context.needsGradient(0), needsWeight = context.needsGradient(1)
            if needsInput || needsWeight {
                let runner = RoundRunner(geometry)
                nonisolated(unsafe) let upstream = context.upstream.storage.pointer
                let inputGradient = needsInput ? TensorStorage(count: x.elementCount) : nil
                nonisolated(unsafe) let inputGradientPointer = inputGradient?.pointer
                // One sum per worker; zeroed, so every round accumulates (and an empty batch gives 0).
                let weightPartials = needsWeight ? runner.makePartialSums(count: weight.elementCount) : []
                runner.run { worker, _, images in
                    // One im2col of the upstream gradient serves both GEMMs.
                    let columns = geometry.makeColumns()
                    Im2Col.pack(upstream, images: images, geometry, threads: runner.threadsPerRound, into: columns.pointer)
                    if let inputGradientPointer {   // dX = W · im2col(G), a conv2d of G
                        geometry.multiply(weight: weight.storage.pointer, columns: columns.pointer, images: images, bias: nil,
                                          threads: runner.threadsPerRound, into: inputGradientPointer)
                    }
                    if needsWeight {   // dW += X · im2col(G)ᵀ
                        geometry.withOutputSpaceMatrix(x.storage.pointer, images: images, threads: runner.threadsPerRound) { inputMatrix in
                            geometry.accumulateWeightGradient(inputMatrix, columns: columns.pointer, images: images, accumulating: true,
                                                              into: weightPartials[worker].pointer)
                        }
                    }
                    withExtendedLifetime(columns) {}
                }
                gradients[0] = inputGradient.map { Tensor(shape: x.shape, storage: $0) }
                gradients[1] = runner.combine(weightPartials).map { Tensor(shape: weight.shape, storage: $0) }
            }
            if bias != nil, context.needsGradient(2) {
                gradients[2] = context.upstream.channelSums()
            }
            return Array(gradients.prefix(operands.count))
        }
    }

    /// The transposed convolution on oneDNN's primitives for the conv2d it is the adjoint of:
    /// forward = that conv2d's backward-data pass, dX = its forward pass on G, dW = its
    /// backward-weights pass with G as its input and X as its output gradient.
    private func transposedConv2d(on convolution: OneDNNConvolution, weight: Tensor, bias: Tensor?, outputShape: Shape) -> Tensor {
        let x = self
        let result = Tensor(shape: outputShape) { out in
            convolution.backwardData(x.storage.pointer, weight: weight.storage.pointer, into: out.baseAddress!)
            if let bias { out.baseAddress!.addChannelBias(bias.storage.pointer, shape: outputShape) }
        }
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        return result.recorded(from: operands) { context in
            var gradients: [Tensor?] = [nil, nil, nil]
            let upstream = context.upstream
            if context.needsGradient(0) {
                gradients[0] = Tensor(shape: x.shape) { out in
                    convolution.forward(upstream.storage.pointer, weight: weight.storage.pointer, bias: nil, into: out.baseAddress!)
                }
            }
            if context.needsGradient(1) {
                gradients[1] = Tensor(shape: weight.shape,
                                      storage: convolution.backwardWeights(input: upstream.storage.pointer, outputGradient: x.storage.pointer))
            }
            if bias != nil, context.needsGradient(2) {
                gradients[2] = upstream.channelSums()
            }
            return Array(gradients.prefix(operands.count))
        }
    }
}

extension UnsafeMutablePointer<Float> {
    /// Adds bias[c] to every pixel of channel c of the [N, C, H, W] tensor stored here.
    func addChannelBias(_ bias: UnsafePointer<Float>, shape: Shape) {
        let (images, channels, pixels) = (shape[0], shape[1], shape[2] * shape[3])
        for image in 0..<images {
            for channel in 0..<channels {
                let plane = self + (image * channels + channel) * pixels, value = bias[channel]
                for pixel in 0..<pixels { plane[pixel] += value }
            }
        }
    }
}
