import CKernels
import Foundation

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
/// ``DiscretizedLogistic/logProbability(level:mean:logScale:)`` is the scalar definition, in libm's
/// functions; the op runs the same formulas in `Sources/CKernels/logistic_mixture_kernels.c` over
/// tiles of consecutive values at the CPU's vector width, and a test holds each compiled variant of
/// the kernel to this definition.
///
/// Parameters come as one row per example, [N, 3·K·D], in three blocks of K·D: mixture logits,
/// means, log-scales; within a block, component k of value d is at k·D + d. That is the layout a
/// decoder's [3·K·C, H, W] output has when flattened, with D = C·H·W.
enum DiscretizedLogistic {
    /// Half a bin in [−1, 1] units.
    static let halfBin: Float = 1 / 255
    /// The floor of the log-scales.
    static let minimumLogScale: Float = -7

    /// log σ(x) = −softplus(−x), exact in both tails.
    @inline(__always) static func logSigmoid(_ x: Float) -> Float {
        x >= 0 ? -Foundation.log1p(Foundation.exp(-x)) : x - Foundation.log1p(Foundation.exp(x))
    }

    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : { let e = Foundation.exp(x); return e / (1 + e) }()
    }

    /// log P(level) under one logistic with mean `mean` and log-scale `logScale` (already floored),
    /// and its derivatives with respect to the mean and the log-scale.
    @inline(__always)
    static func logProbability(level: Int, mean: Float, logScale: Float) -> (value: Float, dMean: Float, dLogScale: Float) {
        let x = 2 * Float(level) / 255 - 1
        let inverseScale = Foundation.exp(-logScale)
        // A mean 10²⁰ away is as far as infinity for any scale the floor allows; bounding the
        // distance keeps b and a finite for any finite mean, so no ∞ − ∞ reaches the mixture.
        let centred = Swift.min(Swift.max(x - mean, -1e20), 1e20)
        let b = inverseScale * (centred + halfBin), a = inverseScale * (centred - halfBin)
        if level == 0 {
            // d log σ(b) = σ(−b) db; db/dμ = −1/s, db/d(log s) = −b.
            let tail = sigmoid(-b)
            return (logSigmoid(b), -inverseScale * tail, -b * tail)
        }
        if level == 255 {
            // d log σ(−a) = −σ(a) da; da/dμ = −1/s, da/d(log s) = −a.
            let tail = sigmoid(a)
            return (logSigmoid(-a), inverseScale * tail, a * tail)
        }
        let width = b - a   // 2/(255 s) > 0
        if width >= Float.leastNormalMagnitude {
            let logWidthTerm = Foundation.log(-Foundation.expm1(-width))
            // The 1/expm1(width) parts of d/da and d/db cancel in d/dμ, and are Δ/expm1(Δ) in d/d(log s).
            let (upper, lower) = (sigmoid(-b), sigmoid(a))
            return (logSigmoid(b) + logSigmoid(-a) + logWidthTerm,
                    inverseScale * (lower - upper),
                    a * lower - b * upper - width / Foundation.expm1(width))
        }
        // The bin is too narrow in units of the scale to be told from a point (its width in those
        // units below the smallest normal float): its mass is the density at the centre,
        // e^m / (s (1 + e^m)²) with m = (x − μ)/s, times the width 2/255.
        let m = inverseScale * centred
        let slope = 1 - 2 * sigmoid(m)
        return (m - logScale + 2 * logSigmoid(-m) + Foundation.log(2 * halfBin),
                -inverseScale * slope, -1 - m * slope)
    }
}

extension Tensor {
    /// −log P(levels) under a discretized logistic mixture (``DiscretizedLogistic``), summed over
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
