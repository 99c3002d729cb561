/// 2-D convolution (cross-correlation, as in PyTorch) by im2col + GEMM, with its VJP.
///
/// Per round of a few images (see ``ConvolutionGeometry/imagesPerGroup``; the rounds are spread
/// over the threads by ``RoundRunner``):
///   columns = im2col(x)                       [C·kH·kW, g·H'·W']
///   y       = W · columns + b                 [O, g·H'·W'], stored as [g, O, H', W']
/// and backward, with G the upstream gradient as an [O, g·H'·W'] matrix:
///   dW = G · columnsᵀ,   dX = col2im(Wᵀ · G),   db = Σ over images and pixels of G.

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
        let runner = RoundRunner(geometry)
        let batchColumns = geometry.patchLength * geometry.batch * geometry.outputPlane
        // The weight gradient needs im2col(x) again. When it will be asked for and the whole
        // batch's columns fit the budget, each round packs into its own slice of one buffer that
        // is kept for the backward pass, which then does not pack a second time.
        let keptColumns = GradientTape.isRecording && weight.isDifferentiable && batchColumns <= ConvolutionGeometry.columnBudget
            ? TensorStorage(count: batchColumns) : nil
        let outputShape: Shape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
        let result = Tensor(shape: outputShape) { out in
            nonisolated(unsafe) let output = out.baseAddress!
            runner.run { _, index, images in
                let columns = keptColumns ?? geometry.makeColumns()
                let slice = columns.pointer + (keptColumns == nil ? 0 : geometry.columnOffset(ofGroup: index))
                Im2Col.pack(x.storage.pointer, images: images, geometry, threads: runner.threadsPerRound, into: slice)
                geometry.multiply(weight: weight.storage.pointer, columns: slice, images: images, bias: bias?.storage.pointer,
                                  threads: runner.threadsPerRound, into: output)
                withExtendedLifetime(columns) {}
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
                runner.run { worker, index, images in
                    geometry.withOutputSpaceMatrix(upstream, images: images, threads: runner.threadsPerRound) { upstreamMatrix in
                        if needsWeight {   // dW += G · columnsᵀ
                            let columns = keptColumns ?? geometry.makeColumns()
                            var slice = columns.pointer
                            if keptColumns != nil {
                                slice += geometry.columnOffset(ofGroup: index)
                            } else {
                                Im2Col.pack(x.storage.pointer, images: images, geometry, threads: runner.threadsPerRound, into: slice)
                            }
                            geometry.accumulateWeightGradient(upstreamMatrix, columns: slice, images: images, accumulating: true,
                                                              into: weightPartials[worker].pointer)
                            withExtendedLifetime(columns) {}
                        }
                        if let inputGradientPointer {   // dX = col2im(Wᵀ · G)
                            geometry.multiplyTransposed(weight: weight.storage.pointer, upstreamMatrix, images: images, bias: nil,
                                                        threads: runner.threadsPerRound, into: inputGradientPointer)
                        }
                    }
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
}
