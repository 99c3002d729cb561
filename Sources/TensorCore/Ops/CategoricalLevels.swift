import Foundation

extension Tensor {
    /// −log P(levels) under one softmax over L levels per value, summed over each row: a decoder's
    /// −log p(x|z) for 8-bit data with a 256-way categorical per value.
    ///
    /// - Parameters:
    ///   - self: logits [N, L·D], level l of value d at l·D + d (a decoder's [L·C, H, W] output
    ///     flattened, with D = C·H·W).
    ///   - data: [N, D] intensities in [0, 1]; each is rounded to its level round((L − 1)·x). Not
    ///     differentiated.
    ///   - levels: L.
    /// - Returns: [N] nats, each Σ_d (logsumexp_l logits[l, d] − logits[level_d, d]). VJP:
    ///   upstream[n]·(softmax − one-hot), kept from the forward pass while the tape records.
    public func categoricalLevelsNegativeLogLikelihood(data: Tensor, levels: Int) -> Tensor {
        precondition(levels >= 2, "categoricalLevels: \(levels) levels")
        precondition(rank == 2 && data.rank == 2 && shape[0] == data.shape[0] && shape[1] == levels * data.shape[1],
                     "categoricalLevels: logits \(shape) do not hold \(levels) per value of data \(data.shape)")
        let logits = self
        let rows = shape[0], values = data.shape[1], width = shape[1]
        let gradient = GradientTape.isRecording && isDifferentiable ? TensorStorage(count: elementCount) : nil
        let result = Tensor(shape: [rows]) { out in
            nonisolated(unsafe) let (l, x, g, sums) = (logits.storage.pointer, data.storage.pointer, gradient?.pointer, out.baseAddress!)
            ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(width, 1))) { range in
                for row in range {
                    let ls = l + row * width, xs = x + row * values
                    var total = 0.0
                    for d in 0..<values {
                        let level = Int((Swift.min(Swift.max(xs[d], 0), 1) * Float(levels - 1)).rounded())
                        var largest = -Float.infinity
                        for j in 0..<levels { largest = Swift.max(largest, ls[j * values + d]) }
                        var sum: Float = 0
                        for j in 0..<levels { sum += Foundation.exp(ls[j * values + d] - largest) }
                        let logNormalizer = largest + Foundation.log(sum)
                        total += Double(logNormalizer - ls[level * values + d])
                        guard let g else { continue }
                        let gs = g + row * width
                        for j in 0..<levels { gs[j * values + d] = Foundation.exp(ls[j * values + d] - logNormalizer) }
                        gs[level * values + d] -= 1
                    }
                    sums[row] = Float(total)
                }
            }
        }
        return result.recordedWithRowGradients(of: logits, gradient)
    }
}
