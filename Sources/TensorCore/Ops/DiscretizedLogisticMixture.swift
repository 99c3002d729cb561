import CKernels

/// The discretized logistic mixture of PixelCNN++ (Salimans, Karpathy, Chen & Kingma 2017): the
/// probability of 8-bit levels under a mixture of K logistics whose mass is binned at the levels.
///
/// A level p ∈ {0 … 255} sits at x = 2p/255 − 1 in [−1, 1], its bin is [x − 1/255, x + 1/255],
/// and the outermost bins reach to −∞ (p = 0) and +∞ (p = 255), so the 256 probabilities of a
/// value sum to 1 whatever the parameters. With b = (x − μ + 1/255)/s and a = (x − μ − 1/255)/s:
///
///     log P(p) = log σ(b)                                   p = 0
///              = log σ(−a)                                  p = 255
///              = log σ(b) + log σ(−a) + log(1 − e^(a − b))  otherwise,
///
/// the last by the identity σ(b) − σ(a) = σ(b) σ(−a) (1 − e^(a − b)): every term is a log-sigmoid
/// or a log(−expm1), so no difference of two CDFs near 1 loses its digits, far in either tail.
/// PixelCNN++'s fallback, the density at the bin centre times the bin's width, is kept for the one
/// case where the identity still fails: a scale so wide that the bin's width b − a underflows.
/// Log-scales are floored at −7 (as in PixelCNN++): below that the bins are narrower than a level
/// could resolve, and the floor keeps 1/s finite.
///
/// The op runs these formulas and their derivatives in `Sources/CKernels/logistic_mixture_kernels.c`
/// over tiles of consecutive values at the CPU's vector width; LogisticMixtureKernelTests holds each
/// compiled variant of the kernel to a scalar definition of them in libm's functions.
///
/// Parameters come as one row per example, [N, 3·K·D], in three blocks of K·D: mixture logits,
/// means, log-scales; within a block, component k of value d is at k·D + d. That is the layout a
/// decoder's [3·K·C, H, W] output has when flattened, with D = C·H·W.

extension Tensor {
    /// −log P(levels) under a discretized logistic mixture (described above), summed over
    /// each row: the decoder's −log p(x|z) for 8-bit data.
    ///
    /// - Parameters:
    ///   - self: parameters [N, 3·K·D]: logits, means, log-scales, each block K·D.
    ///   - data: [N, D] intensities p/255 in [0, 1]; each is rounded to its level p. Not differentiated.
    ///   - components: K.
    /// - Returns: [N] nats. VJP for the parameters: upstream[n] times the gradient of row n, computed
    ///   in the same pass as the value while the tape records.
    public func discretizedLogisticMixtureNegativeLogLikelihood(data: Tensor, components: Int) -> Tensor {
        precondition(components >= 1, "discretizedLogisticMixture: \(components) components")
        precondition(rank == 2 && data.rank == 2 && shape[0] == data.shape[0] && shape[1] == 3 * components * data.shape[1],
                     "discretizedLogisticMixture: parameters \(shape) do not hold 3·\(components) values for each of data \(data.shape)")
        let parameters = self
        let rows = shape[0], values = data.shape[1], width = shape[1], k = components
        let gradient = GradientTape.isRecording && isDifferentiable ? TensorStorage(count: elementCount) : nil
        // Rows in parallel; each row runs through the kernel (Sources/CKernels), which computes the
        // formulas above over tiles of consecutive values at the CPU's vector width.
        let scratchCount = latent_logistic_mixture_scratch_floats(k)
        let result = Tensor(shape: [rows]) { out in
            nonisolated(unsafe) let (p, x, g, sums) = (parameters.storage.pointer, data.storage.pointer, gradient?.pointer, out.baseAddress!)
            ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(width, 1))) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: scratchCount) { scratch in
                    for row in range {
                        sums[row] = Float(latent_logistic_mixture_row(p + row * width, x + row * values, values, k,
                                                                      g.map { $0 + row * width }, scratch.baseAddress!))
                    }
                }
            }
        }
        return result.recordedWithRowGradients(of: parameters, gradient)
    }
}
