import Foundation
import GenerativeModels
import TensorCore

/// `latent reconstruct RUN "a sentence" …` for a sentence-vae run: each sentence encoded to its
/// posterior mean and decoded back.
extension SentenceRun: ReconstructingRun {
    func reconstruct(count: Int, columns: Int, sentences: [String], seed: UInt64, out: String?) throws {
        guard !sentences.isEmpty else {
            throw CommandError("latent reconstruct \(files.folder.url.path) needs one or more sentences to encode, in quotes.")
        }
        let means = try posteriorMeans(sentences.enumerated().map { ($0.element, "sentence \($0.offset + 1)") })
        var generator = RandomGenerator(seed: seed)
        for (text, decoded) in zip(sentences, model.decode(latent: means, using: &generator)) {
            print("in : \(vocabulary.decode(try encode(text, argument: "the sentence")).joined(separator: " "))")
            print("out: \(self.text(decoded))")
        }
    }
}
