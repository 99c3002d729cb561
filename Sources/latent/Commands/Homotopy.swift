import ArgumentParser
import Foundation
import GenerativeModels
import TensorCore

/// `latent homotopy RUN "sentence a" "sentence b"`: the posterior means of two sentences joined
/// by a path in z, each point decoded (Bowman et al., section 5.2).
struct Homotopy: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode points on a path in z between two sentences (a sentence-vae run).")

    @OptionGroup var options: RunOptions
    @Argument(help: "The first sentence.") var first: String
    @Argument(help: "The second sentence.") var second: String
    @Option(help: "Points on the path, both ends included.") var steps = 5
    @Option(help: "linear or spherical.") var path = "linear"
    @Option(help: "greedy, beam or sample.") var strategy = "greedy"
    @Option(help: "Beam width for --strategy beam.") var beamWidth = 5
    @Option(help: "Temperature for --strategy sample.") var temperature: Float = 1
    @Option(help: "Longest sentence, in words.") var maxLength = 40

    func run() throws {
        guard steps >= 2 else { throw CommandError("--steps must be at least 2, not \(steps).") }
        guard let kind = LatentPath(rawValue: path) else { throw CommandError("--path must be linear or spherical, not '\(path)'.") }
        let decoding = try Generate.strategy(strategy, beamWidth: beamWidth, temperature: temperature)
        let run = try SentenceRun(options.run, threads: options.threads)
        let means = try run.posteriorMeans([(first, "the first sentence"), (second, "the second sentence")])
        let points = kind.points(from: means.slice(axis: 0, 0..<1), to: means.slice(axis: 0, 1..<2), steps: steps)
        var generator = RandomGenerator(seed: options.seed)
        let sentences = run.model.decode(latent: points, strategy: decoding, maximumLength: maxLength, using: &generator)
        for (index, sentence) in sentences.enumerated() {
            print(String(format: "t=%.2f  ", Double(index) / Double(steps - 1)) + run.text(sentence))
        }
    }
}
