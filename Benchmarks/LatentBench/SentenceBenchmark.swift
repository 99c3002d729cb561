import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// Training speed of the sentence VAE and its language model on the fortunes corpus, with the
/// reference configuration (embedding 256, LSTM 256, latent 32, batch 32), then both again with
/// GRUs (which the reference has no counterpart of): the first
/// `batches` updates of epoch 1, timed as a whole, in target tokens (words + <eos>) per second —
/// the figure `sentence_vae_torch.py --max-batches N` prints for PyTorch.
enum SentenceBenchmark {
    /// - Parameters:
    ///   - models: the sentence VAE, the RNN language model or both.
    ///   - cells: the recurrent cells to run each model with.
    static func run(batches: Int, models: [ModelFamily] = [.sentenceVAE, .rnnLanguageModel], cells: [RecurrentCell] = RecurrentCell.allCases) throws {
        let corpus = try FortunesCorpus().splits
        var splits = corpus
        splits.training.removeAll { $0.count > 40 }
        let data = EncodedSentences(splits, vocabulary: Vocabulary(training: splits.training))
        print("\n## sentence models, fortunes (\(data.training.count) training sentences, vocabulary \(data.vocabulary.count)), first \(batches) batches")
        printRow(["model", "cell", "tokens/s", "seconds", "tokens"], widths: [14, 6, 10, 9, 8])
        let runs = cells.flatMap { cell in models.map { (cell: cell, model: $0) } }
        for (cell, model) in runs {
            var configuration = SentenceVAEConfiguration()
            configuration.model = model
            configuration.cell = cell
            // The reference trainer's setup, which PyTorch's figures are for.
            configuration.keepRate = model == .rnnLanguageModel ? 1 : 0.75
            configuration.freeBits = 0
            let training = configuration.makeTrainer(model: try configuration.makeModel(vocabularySize: data.vocabulary.count))
            let trainingData = SentenceTrainingData(data.training, batchSize: configuration.batchSize)
            var done = 0
            let seconds = Timing.seconds {
                _ = training.trainEpoch(on: trainingData, shouldStop: { done >= batches }) { count, _ in done = count }
            }
            let tokens = training.running.count("tokens")
            printRow([model.rawValue, cell.displayName, format(Double(tokens) / seconds, 0), format(seconds, 1), String(tokens)],
                     widths: [14, 6, 10, 9, 8])
        }
    }
}
