/// Inverted dropout: each element is zeroed with probability `rate` and the survivors are scaled
/// by 1/(1 − rate), so the expected value is unchanged and evaluation needs no rescaling.

extension Tensor {
    /// - Parameters:
    ///   - rate: probability of dropping an element, in [0, 1).
    ///   - generator: the source of the mask; one uniform draw per element.
    public func dropout(rate: Float, using generator: inout RandomGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropout: rate must be in [0, 1), got \(rate)")
        if rate == 0 { return self }
        let input = self
        let keep = 1 - rate, scale = 1 / (1 - rate)
        let mask = Tensor(shape: shape) { buffer in
            generator.fillUniform(buffer)
            for i in buffer.indices { buffer[i] = buffer[i] < keep ? scale : 0 }
        }
        return (Tensor(shape: shape) { out in Kernels.zip(input.storage.buffer, mask.storage.buffer, into: out, Multiply()) })
            .recorded(from: [input]) { context in [context.upstream * mask] }
    }
}
