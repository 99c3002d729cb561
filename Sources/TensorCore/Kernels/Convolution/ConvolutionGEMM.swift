/// The three GEMM steps that conv2d and its adjoint, the transposed convolution, are made of, for
/// one group of images. Each op and each VJP is a composition of these with im2col or col2im.
///
/// With K = C·kH·kW, or C·T for a kernel with T live taps (``ConvolutionGeometry/patchLength``),
/// P = H'·W' (conv2d output pixels) and g images in the group, the column matrix is [K, g·P] and a
/// conv2d output-space tensor seen by the GEMMs is [O, g·P]. A tensor is stored [N, O, P], so for g > 1 it is staged through
/// [O, g, P] scratch (``ChannelMajorLayout``); for g = 1 the two layouts coincide and the GEMMs
/// use the tensor directly. Scratch comes from the ``BufferPool``, so a round's buffers are the
/// previous round's.
extension ConvolutionGeometry {
    /// Calls `body` with the images `images` of `tensor` ([N, O, P]) as an [O, g·P] matrix: the
    /// tensor itself for one image, else a channel-major copy made on up to `threads` threads.
    func withOutputSpaceMatrix<Result>(_ tensor: UnsafePointer<Float>, images: Range<Int>, threads: Int,
                                       _ body: (UnsafePointer<Float>) -> Result) -> Result {
        guard images.count > 1 else { return body(tensor + images.lowerBound * outputChannels * outputPlane) }
        let staging = TensorStorage(count: outputChannels * images.count * outputPlane)
        ChannelMajorLayout.gather(tensor, images: images, channels: outputChannels, pixels: outputPlane, threads: threads,
                                  into: staging.pointer)
        return withExtendedLifetime(staging) { body(staging.pointer) }
    }

    /// Output-space images `images` of `output` ([N, O, H', W']) = weight [O, K] · columns [K, g·P]
    /// (+ bias [O]): the conv2d of the group whose im2col is `columns`.
    func multiply(weight: UnsafePointer<Float>, columns: UnsafePointer<Float>, images: Range<Int>,
                  bias: UnsafePointer<Float>?, threads: Int, into output: UnsafeMutablePointer<Float>) {
        let width = images.count * outputPlane
        guard images.count > 1 else {
            // One image: the GEMM writes the [O, P] block in place, accumulating onto the bias.
            let image = output + images.lowerBound * outputChannels * outputPlane
            if let bias {
                for channel in 0..<outputChannels { (image + channel * outputPlane).update(repeating: bias[channel], count: outputPlane) }
            }
            BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: width, k: patchLength,
                      a: weight, b: columns, beta: bias == nil ? 0 : 1, c: image)
            return
        }
        let staging = TensorStorage(count: outputChannels * width)
        BLAS.gemm(transposeA: false, transposeB: false, m: outputChannels, n: width, k: patchLength,
                  a: weight, b: columns, c: staging.pointer)
        ChannelMajorLayout.scatter(staging.pointer, images: images, channels: outputChannels, pixels: outputPlane,
                                   bias: bias, threads: threads, into: output)
        withExtendedLifetime(staging) {}
    }

    /// weightGradient [O, K] = (or +=, when `accumulating`) A [O, g·P] · columnsᵀ, where A is an
    /// output-space matrix from ``withOutputSpaceMatrix(_:images:threads:_:)``.
    func accumulateWeightGradient(_ outputSpace: UnsafePointer<Float>, columns: UnsafePointer<Float>, images: Range<Int>,
                                  accumulating: Bool, into weightGradient: UnsafeMutablePointer<Float>) {
        BLAS.gemm(transposeA: false, transposeB: true, m: outputChannels, n: patchLength, k: images.count * outputPlane,
                  a: outputSpace, b: columns, beta: accumulating ? 1 : 0, c: weightGradient)
    }

    /// Input-space images `images` of `input` ([N, C, H, W]) = col2im(weightᵀ · A) (+ bias [C]),
    /// where A is an output-space matrix [O, g·P]: the adjoint of conv2d, applied to the group.
    func multiplyTransposed(weight: UnsafePointer<Float>, _ outputSpace: UnsafePointer<Float>, images: Range<Int>,
                            bias: UnsafePointer<Float>?, threads: Int, into input: UnsafeMutablePointer<Float>) {
        let columns = makeColumns()
        BLAS.gemm(transposeA: true, transposeB: false, m: patchLength, n: images.count * outputPlane, k: outputChannels,
                  a: weight, b: outputSpace, c: columns.pointer)
        Im2Col.unpackSumming(columns.pointer, images: images, self, bias: bias, threads: threads, into: input)
        withExtendedLifetime(columns) {}
    }

    /// Where round `index`'s columns start in a column matrix kept for the whole batch (every round
    /// before it holds ``imagesPerGroup`` images).
    func columnOffset(ofGroup index: Int) -> Int {
        index * imagesPerGroup * patchLength * outputPlane
    }

    /// Scratch for one round's column matrix.
    func makeColumns() -> TensorStorage {
        TensorStorage(count: patchLength * imagesPerGroup * outputPlane)
    }
}

extension Tensor {
    /// Σ over images and pixels of an [N, C, H, W] tensor: [C]. The gradient of a per-channel bias.
    func channelSums() -> Tensor {
        precondition(rank == 4, "channelSums: expected [N, C, H, W], got \(shape)")
        let images = shape[0], channels = shape[1], pixels = shape[2] * shape[3]
        let source = storage.pointer
        return Tensor(shape: [channels]) { out in
            // Channels across threads, each channel's sum in the same order on any of them.
            nonisolated(unsafe) let out = out.baseAddress!
            ComputeThreads.forEachChunk(channels, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(images * pixels, 1))) { range in
                for channel in range {
                    var total: Float = 0
                    for image in 0..<images {
                        total += Kernels.contiguousSum(source + (image * channels + channel) * pixels, count: pixels)
                    }
                    out[channel] = total
                }
            }
        }
    }
}
