import TensorCore

extension Gradients {
    /// The global L2 norm over all gradients: √(Σ‖g‖²).
    public var globalNorm: Float {
        var total: Double = 0
        for (_, gradient) in all {
            gradient.withUnsafeBufferPointer { values in
                // Eight partial sums: a single running sum keeps the loop serial (this runs over
                // every gradient each step; a word model has millions).
                guard let start = values.baseAddress else { return }
                var lanes = SIMD8<Float>()
                var index = 0
                let base = UnsafeRawPointer(start)
                while index + 8 <= values.count {
                    let chunk = base.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                    lanes += chunk * chunk
                    index += 8
                }
                var sum = lanes.sum()
                while index < values.count {
                    sum += values[index] * values[index]
                    index += 1
                }
                total += Double(sum)
            }
        }
        return Float(total.squareRoot())
    }

    /// The factor that brings the global norm to at most `maxNorm`, as PyTorch's
    /// clip_grad_norm_ computes it: maxNorm / (norm + 1e-6), or 1 when that is not below 1. Pass it
    /// to ``Optimizer/step(_:scale:)``, which applies it as it reads each gradient.
    public func clippingScale(maxNorm: Float) -> Float {
        Swift.min(maxNorm / (globalNorm + 1e-6), 1)
    }

    /// Rescales all gradients together so their global norm is at most `maxNorm` (as PyTorch's
    /// clip_grad_norm_), and returns the norm before clipping. New tensors are made, because
    /// several gradients may share one buffer.
    @discardableResult
    public mutating func clipGlobalNorm(to maxNorm: Float) -> Float {
        let norm = globalNorm
        let scale = maxNorm / (norm + 1e-6)
        guard scale < 1 else { return norm }
        self = mapGradients { $0 * scale }
        return norm
    }
}
