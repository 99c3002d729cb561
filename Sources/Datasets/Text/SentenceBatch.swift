import TensorCore

/// A batch of N sentences laid out for a sentence VAE or an RNN language model.
///
/// With T the longest sentence in the batch (in tokens, without <sos> or <eos>) and row i of
/// length Lᵢ:
///
///     encoderInput  [N, T]      w₁ … w_Lᵢ  <pad> …
///     decoderInput  [N, T + 1]  <sos> w₁ … w_Lᵢ  <pad> …
///     targets       [N, T + 1]  w₁ … w_Lᵢ  <eos>  <pad> …
///     lengths       [N]         Lᵢ
///
/// The decoder reads position t of `decoderInput` and is trained to predict position t of
/// `targets`, so it sees Lᵢ + 1 real positions per row; `targetMask` marks them. Padding is
/// `Vocabulary.padID` everywhere.
public struct SentenceBatch: Sendable, Equatable {
    /// The sentences' indices in the split they were taken from, in row order.
    public let indices: [Int]
    /// Lᵢ, each ≥ 1.
    public let lengths: [Int]
    /// [N, T]: the words, padded.
    public let encoderInput: TokenGrid
    /// [N, T + 1]: <sos> then the words (after word dropout, where it was applied), padded.
    public let decoderInput: TokenGrid
    /// [N, T + 1]: the words then <eos>, padded.
    public let targets: TokenGrid

    /// Lays out the sentences `sentences[i]` for i in `indices`, in that order.
    ///
    /// - Parameters:
    ///   - sentences: encoded sentences of one split (`Vocabulary.encode`), each at least one token
    ///     long, as every corpus reader guarantees.
    ///   - paddedLength: T, when the grids must be wider than the longest of these sentences (one
    ///     process's rows of a batch padded as the whole batch is); nil for the longest.
    public init(sentences: [[Int]], indices: [Int], paddedLength: Int? = nil) {
        precondition(!indices.isEmpty, "SentenceBatch: a batch needs at least one sentence")
        let rows = indices.count
        let lengths = indices.map { index in
            precondition(index >= 0 && index < sentences.count,
                         "SentenceBatch: sentence index \(index) is outside 0..<\(sentences.count)")
            precondition(!sentences[index].isEmpty, "SentenceBatch: sentence \(index) is empty")
            return sentences[index].count
        }
        let steps = Swift.max(lengths.max()!, paddedLength ?? 0)
        var encoder = [Int](repeating: Vocabulary.padID, count: rows * steps)
        var decoder = [Int](repeating: Vocabulary.padID, count: rows * (steps + 1))
        var targets = [Int](repeating: Vocabulary.padID, count: rows * (steps + 1))
        for (row, index) in indices.enumerated() {
            let sentence = sentences[index]
            let encoderStart = row * steps, decoderStart = row * (steps + 1)
            decoder[decoderStart] = Vocabulary.startID
            for (position, id) in sentence.enumerated() {
                encoder[encoderStart + position] = id
                decoder[decoderStart + position + 1] = id
                targets[decoderStart + position] = id
            }
            targets[decoderStart + sentence.count] = Vocabulary.endID
        }
        self.indices = indices
        self.lengths = lengths
        encoderInput = TokenGrid(rows: rows, columns: steps, ids: encoder)
        decoderInput = TokenGrid(rows: rows, columns: steps + 1, ids: decoder)
        self.targets = TokenGrid(rows: rows, columns: steps + 1, ids: targets)
    }

    /// The same batch with another decoder input (word dropout's result).
    init(_ batch: SentenceBatch, decoderInput: TokenGrid) {
        indices = batch.indices
        lengths = batch.lengths
        encoderInput = batch.encoderInput
        self.decoderInput = decoderInput
        targets = batch.targets
    }

    /// N, the number of sentences.
    public var count: Int { lengths.count }
    /// T, the longest sentence's length.
    public var maximumLength: Int { encoderInput.columns }
    /// Real target positions, Σ (Lᵢ + 1): the words and one <eos> per sentence, the count a
    /// per-token perplexity divides by.
    public var targetTokenCount: Int { lengths.reduce(0, +) + count }

    /// [N], the lengths as Float32 values.
    public var lengthsTensor: Tensor { Tensor(shape: [count], scalars: lengths.map(Float.init)) }

    /// [N, T]: 1 where `encoderInput` holds a word, 0 at padding.
    public var encoderMask: Tensor { mask(columns: maximumLength, extra: 0) }

    /// [N, T + 1]: 1 where `targets` holds a word or <eos> (and so `decoderInput` a real input),
    /// 0 at padding. Multiplying per-position losses by it before summing leaves padding out.
    public var targetMask: Tensor { mask(columns: maximumLength + 1, extra: 1) }

    /// Lᵢ + 1 per row: the `lengths` argument of `LSTM.run(_:initial:lengths:)` for the decoder
    /// (the encoder's is `lengths`), which masks padding without a mask tensor.
    public var decoderLengths: [Int] { lengths.map { $0 + 1 } }

    private func mask(columns: Int, extra: Int) -> Tensor {
        Tensor(shape: [count, columns]) { out in
            for (row, length) in lengths.enumerated() {
                for column in 0..<columns { out[row * columns + column] = column < length + extra ? 1 : 0 }
            }
        }
    }
}
