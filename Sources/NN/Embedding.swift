import TensorCore

/// A lookup table of learned vectors, one per token: the input layer of a text model.
///
/// Weight [vocabularySize, width], named `weight` as PyTorch's `nn.Embedding`, so checkpoints carry
/// over. Looking up tokens returns their rows; the gradient of the table adds each row's upstream
/// gradient back into the row it came from, so a token that occurs twice receives the sum.
///
/// Each lookup's table gradient is dense, [V, E], so for a time-major batch it is cheaper to look up
/// all T·B tokens in one call and slice the result per step than to make T lookups (measured in a
/// release build with V = 10 000, E = H = 256, T = 30, B = 32: embedding plus LSTM, forward and
/// backward, about 1.6× faster).
public final class Embedding: Module {
    /// [vocabularySize, width].
    public let weight: Tensor

    /// - Parameters:
    ///   - vocabularySize: number of distinct tokens V; tokens are 0..<V.
    ///   - width: length E of each token's vector.
    ///   - generator: draws the rows from N(0, 1), PyTorch's default for `nn.Embedding`.
    public init(vocabularySize: Int, width: Int, using generator: inout RandomGenerator) {
        precondition(vocabularySize > 0 && width > 0,
                     "Embedding: vocabulary size and width must be positive, got \(vocabularySize) × \(width)")
        weight = .normal([vocabularySize, width], using: &generator, requiresGradient: true)
    }

    /// V, the number of rows.
    public var vocabularySize: Int { weight.shape[0] }
    /// E, the length of each row.
    public var width: Int { weight.shape[1] }

    /// The rows of `tokens`, in order: [tokens.count, width].
    ///
    /// Every token must lie in 0..<vocabularySize. The check here (rather than only in
    /// `gatherRows`) names the token's position, which is what a caller needs to find a bad id in
    /// a batch of sentences.
    public func callAsFunction(_ tokens: [Int]) -> Tensor {
        let rows = vocabularySize
        for (position, token) in tokens.enumerated() {
            precondition(token >= 0 && token < rows,
                         "Embedding: token \(token) at position \(position) is out of range for a vocabulary of \(rows) (valid ids are 0..<\(rows))")
        }
        return weight.gatherRows(tokens)
    }
}
