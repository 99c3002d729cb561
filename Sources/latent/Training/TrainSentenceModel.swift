import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// The flags of `latent train sentence-vae` and `latent train rnnlm`.
struct SentenceTrainingOptions: ParsableArguments {
    @Option(help: "fortunes (Debian's fortunes package), or a text file of sentences.") var data = "fortunes"
    @Option(help: "Validation file for a text --data (default: 5% carved out of it).") var valid: String?
    @Option(help: "Test file for a text --data (default: 5% carved out of it).") var test: String?
    @Option(help: "How a text file is cut into sentences: lines or running-text.") var splitting = "lines"
    @Option(help: "How a text --data is cut into tokens: pattern (words, apostrophes inside words, single other characters) or whitespace (already tokenized text).")
    var tokens = "pattern"
    @Flag(help: "Keep the case of a text --data (default: lowercase it).") var keepCase = false
    @Option(help: "Longest training sentence, in tokens.") var maxLength = 40
    @Option(help: "Occurrences a word needs to get into the vocabulary.") var minCount = 2
    @Option(help: "Largest vocabulary, the four special tokens included; the most frequent words are kept (default: no limit).")
    var maxVocab: Int?
    @Option(help: "Word embedding width.") var embedding = 256
    @Option(help: "Recurrent layer of encoder and decoder: lstm or gru.") var cell = "lstm"
    @Option(help: "Recurrent hidden width.") var hidden = 256
    @Option(help: "Latent dimensions (sentence-vae).") var latent = 32
    @Flag(help: "Feed z to the decoder at every step, not only through its initial state.") var latentEveryStep = false
    @Option(help: "Word keep rate k of the decoder input in training (0: historyless decoder; the reference trainer uses 0.75).") var keepRate: Double = 1
    @Option(help: "KL weight β: the maximum, for schedules.") var beta: Float = 1
    @Option(help: "constant, linear, sigmoid or cyclical.") var betaSchedule = "sigmoid"
    @Option(help: "Warm-up steps (linear), midpoint step (sigmoid) or period (cyclical).") var betaSteps = 1000
    @Option(help: "Slope of the sigmoid β schedule.") var betaSlope: Float = 0.005
    @Option(help: "Free bits λ, nats per latent dimension (0: off, as in the reference trainer).") var freeBits: Float = 0.05
    @Option(help: "KL per validation sentence (nats) below which two epochs in a row bring a posterior-collapse warning.")
    var collapseWarningKl: Double = 0.05
    @Option(help: "Gradient global-norm bound (0: no clipping).") var clip: Float = 5
    @Option(help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Sentences per batch.") var batchSize = 32
    @OptionGroup var run: RunControlOptions

    /// The configuration of a new run of `model`, every flag checked.
    func configuration(model: ModelFamily) throws -> SentenceVAEConfiguration {
        var configuration = SentenceVAEConfiguration()
        configuration.model = model
        configuration.data = DataPath.stored(data)
        if data == "fortunes", valid != nil || test != nil {
            throw CommandError("--valid and --test go with a text file as --data; the fortunes corpus has its own splits.")
        }
        if test != nil, valid == nil { throw CommandError("--test needs --valid as well (or neither, to carve both out of --data).") }
        (configuration.validationFile, configuration.testFile) = (valid.map(DataPath.stored), test.map(DataPath.stored))
        guard let splittingRule = SentenceSplitting(rawValue: splitting) else {
            throw CommandError("--splitting must be \(SentenceSplitting.allowedNames), not '\(splitting)'.")
        }
        configuration.splitting = splittingRule
        guard let rule = Tokenizer.Rule(rawValue: tokens) else { throw CommandError("--tokens must be pattern or whitespace, not '\(tokens)'.") }
        if data == "fortunes", rule != .pattern || keepCase {
            throw CommandError("--tokens and --keep-case go with a text file as --data; the fortunes corpus is tokenized as the reference does it.")
        }
        configuration.tokenizer = Tokenizer(rule: rule, lowercases: !keepCase)
        if let maxVocab, maxVocab <= Vocabulary.specialTokens.count {
            throw CommandError("--max-vocab must leave room for words beside the \(Vocabulary.specialTokens.count) special tokens, not \(maxVocab).")
        }
        configuration.maximumVocabularySize = maxVocab
        guard let recurrentCell = RecurrentCell(rawValue: cell) else {
            throw CommandError("--cell must be lstm or gru, not '\(cell)'.")
        }
        configuration.cell = recurrentCell
        for (flag, value) in [("--max-length", maxLength), ("--min-count", minCount), ("--embedding", embedding),
                              ("--hidden", hidden), ("--latent", latent), ("--batch-size", batchSize)] where value < 1 {
            throw CommandError("\(flag) must be at least 1, not \(value).")
        }
        (configuration.maximumLength, configuration.minimumCount) = (maxLength, minCount)
        (configuration.embeddingSize, configuration.hiddenSize, configuration.latentDimension) = (embedding, hidden, latent)
        configuration.latentAtEveryStep = latentEveryStep
        guard keepRate >= 0 && keepRate <= 1 else { throw CommandError("--keep-rate must lie in [0, 1], not \(keepRate).") }
        configuration.keepRate = keepRate
        configuration.beta = try .fromFlags(maximum: beta, schedule: betaSchedule, steps: betaSteps, slope: betaSlope)
        guard freeBits >= 0 else { throw CommandError("--free-bits must not be negative, not \(freeBits).") }
        configuration.freeBits = model == .rnnLanguageModel ? 0 : freeBits   // a language model has no KL to free
        guard collapseWarningKl >= 0 else { throw CommandError("--collapse-warning-kl must not be negative, not \(collapseWarningKl).") }
        configuration.collapseThreshold = collapseWarningKl
        guard clip >= 0 else { throw CommandError("--clip must not be negative, not \(clip).") }
        configuration.clipNorm = clip
        guard learningRate > 0 else { throw CommandError("--learning-rate must be positive, not \(learningRate).") }
        configuration.learningRate = learningRate
        configuration.batchSize = batchSize
        configuration.epochs = run.epochs ?? 3
        configuration.seed = run.seed
        configuration.threads = run.newRunThreads
        configuration.precision = run.newRunPrecision
        return configuration
    }
}

/// `latent train sentence-vae`: Bowman et al.'s sentence VAE.
struct TrainSentenceVAE: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sentence-vae",
        abstract: "Train a sentence VAE (LSTM or GRU encoder and decoder, KL annealing, word dropout) on text."
    )

    @OptionGroup var options: SentenceTrainingOptions

    func run() throws { try SentenceModelTrainer(options: options, model: .sentenceVAE).run() }
}

/// `latent train rnnlm`: the RNN language-model baseline, the sentence VAE's decoder without z.
struct TrainRNNLM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rnnlm",
        abstract: "Train an RNN (LSTM or GRU) language model: the sentence VAE's decoder with no latent code."
    )

    @OptionGroup var options: SentenceTrainingOptions

    func run() throws { try SentenceModelTrainer(options: options, model: .rnnLanguageModel).run() }
}

/// A new text run or a resumed one: configuration, vocabulary, model, then the loop.
struct SentenceModelTrainer {
    let options: SentenceTrainingOptions
    let model: ModelFamily

    func run() throws {
        let folder = RunFolder(options.run.out)
        try options.run.whileHoldingRunFolder(folder) { try train(in: $0) }
    }

    /// Trains in `folder`, which this process holds.
    func train(in folder: RunFolder) throws {
        let control = options.run
        var configuration: SentenceVAEConfiguration
        var vocabulary: Vocabulary?
        if control.resume {
            let run = try SentenceRunFiles(folder)
            configuration = run.configuration
            vocabulary = run.vocabulary
            try control.resumed(epochs: &configuration.epochs, threads: &configuration.threads, precision: &configuration.precision)
            guard configuration.model == model else {
                throw CommandError("Run folder \(control.out) holds a \(configuration.summary); resume it with latent train \(ModelRegistry.trainCommand(configuration)).")
            }
        } else {
            configuration = try options.configuration(model: model)
            try control.checkNewRunFolder(folder)
        }
        try configuration.checkFlags()
        ComputeThreads.set(configuration.threads)
        let data = try SentenceDataSource.load(configuration, vocabulary: vocabulary)
        try MemoryBudget.check(configuration.estimatedTrainingBytes(vocabularySize: data.vocabulary.count),
                               for: "Training \(configuration.summary) over \(data.vocabulary.count) words at batch \(configuration.batchSize)",
                               remedy: "choose smaller --embedding, --hidden, --max-vocab, --max-length or --batch-size")
        let model: SentenceVAE
        do { model = try configuration.makeModel(vocabularySize: data.vocabulary.count) } catch {
            throw CommandError("\(folder.configuration.path): \(error)")
        }
        let training = configuration.makeTrainer(model: model)
        try control.prepare(folder, for: training, configuration: configuration, batchSize: configuration.batchSize, withImages: false) {
            do { try data.vocabulary.write(to: folder.url.appendingPathComponent(Vocabulary.fileName)) } catch {
                throw CommandError("\(error)")
            }
        }
        let report = SentenceReport(configuration: configuration, model: model, training: training, data: data, folder: folder)
        try EpochRunner(training: training, data: report.trainingData, folder: folder, epochs: configuration.epochs,
                        trainCommand: ModelRegistry.trainCommand(configuration)).run(report: report)
    }
}
