import Datasets
import Foundation
import GenerativeModels

/// Resolves a text run's data to sentences: the fortunes corpus (the reference's splits) or a
/// text file, with held-out files or 5% validation and 5% test carved out of it.
enum SentenceDataSource {
    /// The corpus a configuration names.
    static func corpus(_ configuration: SentenceVAEConfiguration) throws -> SentenceCorpus {
        do {
            if configuration.data == "fortunes" {
                var splits = try FortunesCorpus().splits
                // As the reference trainer: the length limit applies to training sentences only.
                splits.training.removeAll { $0.count > configuration.maximumLength }
                return splits
            }
            let reading = SentenceCorpus.Reading(splitting: configuration.splitting, tokenizer: configuration.textTokenizer)
            let heldOut: SentenceCorpus.HeldOut = configuration.validationFile.map {
                .files(validation: URL(fileURLWithPath: $0), test: configuration.testFile.map { URL(fileURLWithPath: $0) })
            } ?? .carved(validationFraction: 0.05, testFraction: 0.05, seed: configuration.seed)
            let corpus = try SentenceCorpus(training: URL(fileURLWithPath: configuration.data), heldOut: heldOut,
                                            reading: reading, maximumLength: configuration.maximumLength)
            guard !corpus.validation.isEmpty, !corpus.test.isEmpty || configuration.validationFile != nil else {
                throw CommandError("--data \(configuration.data) has too few sentences (\(corpus.training.count)) to hold out 5% for validation and 5% for test; give --valid and --test files or more text.")
            }
            return corpus
        } catch let error as TextDataError {
            throw CommandError("--data \(configuration.data): \(error)")
        }
    }

    /// The splits encoded with `vocabulary`, or with a new vocabulary of the training split.
    static func load(_ configuration: SentenceVAEConfiguration, vocabulary: Vocabulary? = nil) throws -> EncodedSentences {
        let corpus = try self.corpus(configuration)
        let words = vocabulary ?? Vocabulary(training: corpus.training, minimumCount: configuration.minimumCount,
                                             maximumSize: configuration.maximumVocabularySize)
        return EncodedSentences(corpus, vocabulary: words)
    }
}
