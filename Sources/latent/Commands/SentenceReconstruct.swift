import Foundation
import GenerativeModels
import TensorCore

/// `latent reconstruct RUN "a sentence" …` for a sentence-vae run: each sentence encoded to its
/// posterior mean and decoded back.
struct SentenceReconstruct {
    let options: RunOptions
    let sentences: [String]

    func run() throws {
        guard !sentences.isEmpty else {
            throw CommandError("latent reconstruct \(options.run) needs one or more sentences to encode, in quotes.")
        }
        let run = try SentenceRun(options.run, threads: options.threads)
        let means = try run.posteriorMeans(sentences.enumerated().map { ($0.element, "sentence \($0.offset + 1)") })
        var generator = RandomGenerator(seed: options.seed)
        for (text, decoded) in zip(sentences, run.model.decode(latent: means, using: &generator)) {
            print("in : \(run.vocabulary.decode(try run.encode(text, argument: "the sentence")).joined(separator: " "))")
            print("out: \(run.text(decoded))")
        }
    }
}
