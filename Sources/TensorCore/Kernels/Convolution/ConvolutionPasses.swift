/// The forward pass and the VJP of an im2col + GEMM convolution, in rounds of a few images (see
/// ``ConvolutionGeometry/imagesPerGroup``; ``RoundRunner`` spreads the rounds over the threads):
///   columns = im2col(x)                       [K, g·H'·W']
///   y       = kernel · columns + b            [O, g·H'·W'], stored as [g, O, H', W']
/// and backward, with G the upstream gradient as an [O, g·H'·W'] matrix:
///   dkernel = G · columnsᵀ,   dX = col2im(kernelᵀ · G).
///
/// The kernel is an [O, K] matrix: conv2d's weight itself (K = C·kH·kW), or the live taps of a
/// masked convolution's weight (K = C·T). Both ops are these two passes around their own kernels.
struct Im2ColConvolution {
    let geometry: ConvolutionGeometry

    /// Whether the forward pass keeps the batch's column matrix for the backward pass when asked:
    /// the whole batch's columns must fit ``ConvolutionGeometry/columnBudget``.
    var canKeepColumns: Bool {
        geometry.patchLength * geometry.batch * geometry.outputPlane <= ConvolutionGeometry.columnBudget
    }

    /// y = kernel · im2col(x) + bias, [N, O, H', W'].
    ///
    /// - Parameters:
    ///   - x: [N, C, H, W].
    ///   - kernel: O·K values, an [O, K] matrix.
    ///   - bias: [O], or nil.
    ///   - keepingColumns: keep the column matrix (when ``canKeepColumns``), so that the weight
    ///     gradient does not pack im2col(x) a second time.
    /// - Returns: the output and the kept columns, if any.
    func forward(_ x: Tensor, kernel: Tensor, bias: Tensor?, keepingColumns: Bool) -> (output: Tensor, columns: TensorStorage?) {
        let geometry = self.geometry
        let runner = RoundRunner(geometry)
        // When kept, each round packs into its own slice of one buffer.
        let keptColumns = keepingColumns && canKeepColumns
            ? TensorStorage(count: geometry.patchLength * geometry.batch * geometry.outputPlane) : nil
        let outputShape: Shape = [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth]
        let output = Tensor(shape: outputShape) { out in
            nonisolated(unsafe) let output = out.baseAddress!
            runner.run { _, index, images in
                let columns = keptColumns ?? geometry.makeColumns()
                let slice = columns.pointer + (keptColumns == nil ? 0 : geometry.columnOffset(ofGroup: index))
                Im2Col.pack(x.storage.pointer, images: images, geometry, threads: runner.threadsPerRound, into: slice)
                geometry.multiply(weight: kernel.storage.pointer, columns: slice, images: images, bias: bias?.storage.pointer,
                                  threads: runner.threadsPerRound, into: output)
                withExtendedLifetime(columns) {}
            }
        }
        return (output, keptColumns)
    }

    /// The gradients of the input ([N, C, H, W], when `needsInput`) and of the kernel ([O, K],
    /// when `needsKernel`) from the upstream gradient [N, O, H', W'].
    ///
    /// - Parameter keptColumns: what ``forward(_:kernel:bias:keepingColumns:)`` kept, or nil to
    ///   pack im2col(x) again.
    func backward(_ x: Tensor, kernel: Tensor, keptColumns: TensorStorage?, upstream: Tensor,
                  needsInput: Bool, needsKernel: Bool) -> (input: TensorStorage?, kernel: TensorStorage?) {
        guard needsInput || needsKernel else { return (nil, nil) }
        let geometry = self.geometry
        let runner = RoundRunner(geometry)
        nonisolated(unsafe) let upstreamPointer = upstream.storage.pointer
        let inputGradient = needsInput ? TensorStorage(count: x.elementCount) : nil
        nonisolated(unsafe) let inputGradientPointer = inputGradient?.pointer
        // One sum per worker; zeroed, so every round accumulates (and an empty batch gives 0).
        let kernelPartials = needsKernel ? runner.makePartialSums(count: geometry.outputChannels * geometry.patchLength) : []
        runner.run { worker, index, images in
            geometry.withOutputSpaceMatrix(upstreamPointer, images: images, threads: runner.threadsPerRound) { upstreamMatrix in
                if needsKernel {   // dkernel += G · columnsᵀ
                    let columns = keptColumns ?? geometry.makeColumns()
                    var slice = columns.pointer
                    if keptColumns != nil {
                        slice += geometry.columnOffset(ofGroup: index)
                    } else {
                        Im2Col.pack(x.storage.pointer, images: images, geometry, threads: runner.threadsPerRound, into: slice)
                    }
                    geometry.accumulateWeightGradient(upstreamMatrix, columns: slice, images: images, accumulating: true,
                                                      into: kernelPartials[worker].pointer)
                    withExtendedLifetime(columns) {}
                }
                if let inputGradientPointer {   // dX = col2im(kernelᵀ · G)
                    geometry.multiplyTransposed(weight: kernel.storage.pointer, upstreamMatrix, images: images, bias: nil,
                                                threads: runner.threadsPerRound, into: inputGradientPointer)
                }
            }
        }
        return (inputGradient, runner.combine(kernelPartials))
    }
}
