import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Training speed of the sentence VAE and its LSTM language model on the fortunes corpus, with
/// the reference configuration (embedding 256, LSTM 256, latent 32, batch 32): the first
/// `batches` updates of epoch 1, timed as a whole, in target tokens (words + <eos>) per second —
/// the figure `sentence_vae_torch.py --max-batches N` prints for PyTorch.
enum SentenceBenchmark {
    static func run(batches: Int) throws {
        let corpus = try FortunesCorpus().splits
        var splits = corpus
        splits.training.removeAll { $0.count > 40 }
        let data = EncodedSentences(splits, vocabulary: Vocabulary(training: splits.training))
        print("\n## sentence models, fortunes (\(data.training.count) training sentences, vocabulary \(data.vocabulary.count)), first \(batches) batches")
        printRow(["model", "tokens/s", "seconds", "tokens"], widths: [14, 10, 9, 8])
        for model in ["sentence-vae", "rnnlm"] {
            var configuration = SentenceVAEConfiguration()
            configuration.model = model
            configuration.keepRate = model == "rnnlm" ? 1 : 0.75
            let training = try SentenceTraining(configuration: configuration, vocabularySize: data.vocabulary.count)
            var done = 0
            let seconds = Timing.seconds {
                _ = training.trainEpoch(on: data.training, shouldStop: { done >= batches }) { count, _ in done = count }
            }
            let tokens = training.running.tokens
            printRow([model, format(Double(tokens) / seconds, 0), format(seconds, 1), String(tokens)], widths: [14, 10, 9, 8])
        }
    }
}
