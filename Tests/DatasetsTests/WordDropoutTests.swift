import Datasets
import TensorCore
import XCTest

/// Word dropout replaces decoder-input words (never <sos>, padding or targets) by <unk> with
/// probability 1 − k.
final class WordDropoutTests: XCTestCase {
    /// 400 sentences of lengths 1…20 (4,200 words), ids ≥ 4 so any <unk> comes from dropout.
    private let sentences = (0..<400).map { i in (0..<(1 + i % 20)).map { 4 + ($0 + i) % 50 } }

    private func batch() -> SentenceBatch {
        SentenceBatch(sentences: sentences, indices: Array(sentences.indices))
    }

    /// Over 42,000 words (ten batches) the dropped fraction is within 4 standard errors of 1 − k.
    func testDropRateMatchesOneMinusKeepRate() {
        for keepRate in [0.25, 0.5, 0.75, 0.9] {
            var generator = RandomGenerator(seed: 42)
            var words = 0, dropped = 0
            for _ in 0..<10 {
                let original = batch()
                let result = original.droppingWords(keepRate: keepRate, using: &generator)
                for (row, length) in original.lengths.enumerated() {
                    for position in 1...length {
                        words += 1
                        if result.decoderInput[row, position] == Vocabulary.unknownID { dropped += 1 }
                    }
                }
            }
            let rate = Double(dropped) / Double(words)
            let standardError = (keepRate * (1 - keepRate) / Double(words)).squareRoot()
            XCTAssertEqual(rate, 1 - keepRate, accuracy: 4 * standardError, "k = \(keepRate): \(dropped) of \(words)")
        }
    }

    /// Only word positions change, only to <unk>; encoder input and targets stay.
    func testOnlyWordsChange() {
        var generator = RandomGenerator(seed: 7)
        let original = batch()
        let result = original.droppingWords(keepRate: 0.5, using: &generator)
        XCTAssertEqual(result.encoderInput, original.encoderInput)
        XCTAssertEqual(result.targets, original.targets)
        XCTAssertEqual(result.lengths, original.lengths)
        let columns = original.decoderInput.columns
        for (row, length) in original.lengths.enumerated() {
            XCTAssertEqual(result.decoderInput[row, 0], Vocabulary.startID)
            for position in (length + 1)..<columns { XCTAssertEqual(result.decoderInput[row, position], Vocabulary.padID) }
            for position in 1...length {
                let id = result.decoderInput[row, position]
                XCTAssertTrue(id == original.decoderInput[row, position] || id == Vocabulary.unknownID)
            }
        }
    }

    /// k = 0 is the historyless decoder: <sos> then nothing but <unk>.
    func testKeepRateZeroLeavesNoWords() {
        var generator = RandomGenerator(seed: 1)
        let original = batch()
        let result = original.droppingWords(keepRate: 0, using: &generator)
        for (row, length) in original.lengths.enumerated() {
            let expected = [Vocabulary.startID] + Array(repeating: Vocabulary.unknownID, count: length)
                + Array(repeating: Vocabulary.padID, count: original.maximumLength - length)
            XCTAssertEqual(Array(result.decoderInput.row(row)), expected)
        }
    }

    func testKeepRateOneLeavesAllWords() {
        var generator = RandomGenerator(seed: 1)
        let original = batch()
        XCTAssertEqual(original.droppingWords(keepRate: 1, using: &generator), original)
    }

    /// Same seed, same choices; the generator advances by the same amount whatever k is.
    func testReproducibleBySeed() {
        var first = RandomGenerator(seed: 9), second = RandomGenerator(seed: 9)
        XCTAssertEqual(batch().droppingWords(keepRate: 0.6, using: &first),
                       batch().droppingWords(keepRate: 0.6, using: &second))
        var other = RandomGenerator(seed: 10)
        XCTAssertNotEqual(batch().droppingWords(keepRate: 0.6, using: &other).decoderInput,
                          batch().droppingWords(keepRate: 0.6, using: &first).decoderInput)
        var zero = RandomGenerator(seed: 9), one = RandomGenerator(seed: 9)
        _ = batch().droppingWords(keepRate: 0, using: &zero)
        _ = batch().droppingWords(keepRate: 1, using: &one)
        XCTAssertEqual(zero, one)
    }
}
