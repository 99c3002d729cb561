import Datasets

/// A corpus turned into ids for a sentence model: the vocabulary of its training split and the
/// three splits encoded with it.
public struct EncodedSentences: Sendable {
    public let vocabulary: Vocabulary
    /// Each sentence's word ids (no <sos> or <eos>), every sentence at least one word long.
    public let training: [[Int]]
    public let validation: [[Int]]
    public let test: [[Int]]

    /// Encodes `corpus` with `vocabulary` (built from its training split, or read from a run).
    public init(_ corpus: SentenceCorpus, vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
        training = vocabulary.encode(corpus.training)
        validation = vocabulary.encode(corpus.validation)
        test = vocabulary.encode(corpus.test)
    }

    /// Target tokens of a split: its words plus one <eos> per sentence, the count perplexity
    /// divides by.
    public static func targetTokenCount(_ sentences: [[Int]]) -> Int {
        sentences.reduce(0) { $0 + $1.count + 1 }
    }
}
