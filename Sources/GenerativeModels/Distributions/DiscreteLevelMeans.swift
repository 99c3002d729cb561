import Foundation
import TensorCore

/// The means of the discrete likelihoods over 8-bit levels, as intensities in [0, 1]: what sample
/// and reconstruction pictures show (the decoder's mean, not a draw, which would add independent
/// noise to every value).
public enum DiscreteLevelMeans {
    /// The mean of a discretized logistic mixture, from parameters [N, 3·K·D] (logits, means,
    /// log-scales in blocks of K·D) → [N, D].
    ///
    /// Each component's mean is that of its logistic clamped to [−1, 1], which is what the edge
    /// bins do to the mass beyond them: E[clamp(X)] = −1 + ∫₋₁¹ P(X > t) dt
    /// = −1 + s·[softplus((μ + 1)/s) − softplus((μ − 1)/s)], exact for the clamped continuous
    /// variable and within half a level of the binned one. Components are weighted by softmax(logits).
    public static func logisticMixture(_ parameters: Tensor, components k: Int) -> Tensor {
        precondition(parameters.rank == 2 && parameters.shape[1] % (3 * k) == 0, "logisticMixture: parameters \(parameters.shape)")
        let rows = parameters.shape[0], width = parameters.shape[1], values = width / (3 * k)
        let p = parameters.scalars
        var out = [Float](repeating: 0, count: rows * values)
        for row in 0..<rows {
            let base = row * width
            for d in 0..<values {
                var largest = -Float.infinity
                for c in 0..<k { largest = max(largest, p[base + c * values + d]) }
                var weightSum: Float = 0, mean: Float = 0
                for c in 0..<k {
                    let weight = Foundation.exp(p[base + c * values + d] - largest)
                    let location = p[base + (k + c) * values + d]
                    let scale = Foundation.exp(max(p[base + (2 * k + c) * values + d], -7))
                    let clamped = -1 + scale * (softplus((location + 1) / scale) - softplus((location - 1) / scale))
                    weightSum += weight
                    mean += weight * min(max(clamped, -1), 1)
                }
                out[row * values + d] = (mean / weightSum + 1) / 2
            }
        }
        return Tensor(shape: [rows, values], scalars: out)
    }

    /// The mean level over L − 1 of a softmax over L levels per value: logits [N, L·D] → [N, D].
    public static func categorical(_ logits: Tensor, levels: Int) -> Tensor {
        precondition(logits.rank == 2 && logits.shape[1] % levels == 0, "categorical: logits \(logits.shape)")
        let rows = logits.shape[0], width = logits.shape[1], values = width / levels
        let l = logits.scalars
        var out = [Float](repeating: 0, count: rows * values)
        for row in 0..<rows {
            let base = row * width
            for d in 0..<values {
                var largest = -Float.infinity
                for j in 0..<levels { largest = max(largest, l[base + j * values + d]) }
                var sum: Float = 0, weighted: Float = 0
                for j in 0..<levels {
                    let e = Foundation.exp(l[base + j * values + d] - largest)
                    sum += e
                    weighted += e * Float(j)
                }
                out[row * values + d] = weighted / sum / Float(levels - 1)
            }
        }
        return Tensor(shape: [rows, values], scalars: out)
    }

    /// log(1 + eˣ), exact in both tails.
    static func softplus(_ x: Float) -> Float { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
}
