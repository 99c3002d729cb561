import TensorCore

extension SentenceBatch {
    /// Word dropout (Bowman et al., section 3.2): each word of the decoder input replaced by
    /// <unk> with probability 1 − k, independently, so the decoder must lean on the latent code.
    ///
    /// Only words are candidates: position 0 (<sos>) and padding never change, and targets and
    /// encoder input are untouched. k = 1 changes nothing; k = 0 replaces every word, the
    /// historyless ("inputless") decoder, which sees only <sos> followed by <unk>s (a model with
    /// k = 0 feeds those in evaluation and decoding too; for 0 < k < 1 it feeds the true words
    /// there and calls this only in training).
    ///
    /// Draws one uniform number per decoder grid position, N·(T + 1), whatever k is, so that the
    /// generator's later draws (the next batch, the noise of z) do not shift when k changes.
    ///
    /// - Parameters:
    ///   - keepRate: k in [0, 1], the probability that a word stays.
    ///   - generator: the seeded source of the choices.
    public func droppingWords(keepRate: Double, using generator: inout RandomGenerator) -> SentenceBatch {
        precondition(keepRate >= 0 && keepRate <= 1, "Word dropout: the keep rate k must lie in [0, 1], got \(keepRate)")
        let grid = decoderInput
        var draws = [Float](repeating: 0, count: grid.ids.count)
        draws.withUnsafeMutableBufferPointer { generator.fillUniform($0) }
        // A uniform u in [0, 1) is below 1 − k with probability 1 − k (to 2⁻²⁴): always for k = 0,
        // never for k = 1.
        let dropBelow = 1 - keepRate
        var ids = grid.ids
        for (row, length) in lengths.enumerated() {
            let start = row * grid.columns
            for position in (start + 1)...(start + length) where Double(draws[position]) < dropBelow {
                ids[position] = Vocabulary.unknownID
            }
        }
        return SentenceBatch(self, decoderInput: TokenGrid(rows: grid.rows, columns: grid.columns, ids: ids))
    }
}
