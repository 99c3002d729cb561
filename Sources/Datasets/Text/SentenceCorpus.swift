import Foundation
import TensorCore

/// Tokenized sentences in three splits: training, validation and test.
///
/// Built from the fortunes package by `FortunesCorpus`, or from a user's text files by
/// `init(training:heldOut:reading:maximumLength:overlong:)`.
public struct SentenceCorpus: Sendable, Equatable {
    /// Each sentence is its tokens, never empty.
    public var training: [[String]]
    public var validation: [[String]]
    public var test: [[String]]

    public init(training: [[String]], validation: [[String]], test: [[String]]) {
        self.training = training
        self.validation = validation
        self.test = test
    }

    /// How a text file becomes sentences of tokens.
    public struct Reading: Sendable, Equatable, Codable {
        /// One sentence per line (default), or running text cut after . ! ?.
        public var splitting: SentenceSplitting
        /// The reference's token pattern, lowercased, unless told otherwise.
        public var tokenizer: Tokenizer

        public init(splitting: SentenceSplitting = .lines, tokenizer: Tokenizer = Tokenizer()) {
            self.splitting = splitting
            self.tokenizer = tokenizer
        }
    }

    /// Where the validation and test sentences come from.
    public enum HeldOut: Sendable, Equatable {
        /// Files of their own, read like the training file; no test split when `test` is nil.
        case files(validation: URL, test: URL?)
        /// Carved out of the training file: ⌊fraction · n⌋ sentences each, chosen by a Philox
        /// permutation from `seed`; every split keeps the file's order.
        case carved(validationFraction: Double, testFraction: Double, seed: UInt64)
    }

    /// What happens to a training sentence longer than the maximum length.
    public enum OverlongSentences: String, Sendable, Equatable, Codable, CaseIterable {
        /// Left out (the default, as the reference trainer does): a cut sentence would teach
        /// the decoder to emit <eos> in mid-sentence.
        case drop
        /// Cut to its first `maximumLength` tokens.
        case truncate
    }

    /// Reads a corpus from text files.
    ///
    /// The maximum length applies to training sentences only, as in the reference trainer:
    /// validation and test sentences are all kept, so that their figures do not depend on it.
    /// It is applied after carving, so the held-out sentences do not depend on it either.
    ///
    /// - Parameters:
    ///   - training: the training text.
    ///   - heldOut: validation and test files, or fractions of the training file to carve out.
    ///   - reading: sentence splitting and tokenization, the same for every file.
    ///   - maximumLength: longest training sentence in tokens; nil for no limit.
    ///   - overlong: whether longer training sentences are dropped or truncated.
    /// - Throws: `TextDataError` for a missing, unreadable or empty file, fractions that are
    ///   negative or sum to 1 or more, or a training split that the length limit empties.
    public init(training: URL, heldOut: HeldOut, reading: Reading = Reading(),
                maximumLength: Int? = nil, overlong: OverlongSentences = .drop) throws(TextDataError) {
        precondition(maximumLength.map { $0 > 0 } ?? true,
                     "SentenceCorpus: the maximum length must be positive, got \(maximumLength ?? 0)")
        var trainingSentences = try Self.sentences(in: training, reading: reading)
        switch heldOut {
        case .files(let validationURL, let testURL):
            validation = try Self.sentences(in: validationURL, reading: reading)
            test = try testURL.map { url throws(TextDataError) in try Self.sentences(in: url, reading: reading) } ?? []
        case .carved(let validationFraction, let testFraction, let seed):
            let carved = try Self.carve(trainingSentences, validationFraction: validationFraction,
                                        testFraction: testFraction, seed: seed)
            (trainingSentences, validation, test) = (carved.training, carved.validation, carved.test)
        }
        if let maximumLength {
            let before = trainingSentences.count
            switch overlong {
            case .drop: trainingSentences.removeAll { $0.count > maximumLength }
            case .truncate: trainingSentences = trainingSentences.map { Array($0.prefix(maximumLength)) }
            }
            guard !trainingSentences.isEmpty else {
                throw .noSentences(path: training.path,
                                   reason: "all \(before) training sentences are longer than the maximum length of \(maximumLength) tokens")
            }
        }
        self.training = trainingSentences
    }

    /// The sentences of one file, in order.
    ///
    /// - Throws: `TextDataError` for a missing, unreadable or empty file.
    public static func sentences(in url: URL, reading: Reading = Reading()) throws(TextDataError) -> [[String]] {
        let text = try TextFile.nonEmptyScalars(at: url)
        return reading.splitting.sentences(in: text)
            .map { reading.tokenizer.tokens(of: $0) }
            .filter { !$0.isEmpty }
    }

    /// Splits `sentences` by a seeded permutation into (training, validation, test), each in the
    /// original order, so a split can be read alongside the file.
    static func carve(_ sentences: [[String]], validationFraction: Double, testFraction: Double,
                      seed: UInt64) throws(TextDataError)
        -> (training: [[String]], validation: [[String]], test: [[String]]) {
        guard validationFraction.isFinite, testFraction.isFinite, validationFraction >= 0, testFraction >= 0,
              validationFraction + testFraction < 1 else {
            throw .invalidSplitFractions(validation: validationFraction, test: testFraction)
        }
        let count = sentences.count
        let validationCount = Int(validationFraction * Double(count))
        let testCount = Int(testFraction * Double(count))
        // Floors of fractions summing below 1 leave at least one sentence, unless rounding of
        // fractions within 1e-16 of 1 says otherwise: the same mistake, so the same error.
        guard validationCount + testCount < count else {
            throw .invalidSplitFractions(validation: validationFraction, test: testFraction)
        }
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(count)
        func pick(_ range: Range<Int>) -> [[String]] { order[range].sorted().map { sentences[$0] } }
        return (pick((validationCount + testCount)..<count),
                pick(0..<validationCount),
                pick(validationCount..<(validationCount + testCount)))
    }
}
