import TensorCore

extension Gradients {
    /// The global L2 norm over all gradients: √(Σ‖g‖²).
    public var globalNorm: Float {
        var total: Double = 0
        for (_, gradient) in all {
            gradient.withUnsafeBufferPointer { values in
                var sum: Float = 0
                for value in values { sum += value * value }
                total += Double(sum)
            }
        }
        return Float(total.squareRoot())
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
