import ArgumentParser

/// `latent eval RUN`: for a VAE the test −ELBO, its terms, the importance-weighted log-likelihood,
/// active units and, for discrete pixels, bits/dim; for an autoencoder the reconstruction terms;
/// for a PixelCNN the exact −log p(x) and bits/dim; for a text model its figures per sentence.
/// Printed and written to RUN/eval.json.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on the test set and write RUN/eval.json."
    )

    @OptionGroup var options: RunOptions
    @Option(name: .customLong("importance-samples"),
            help: "K, the importance samples per example for the log-likelihood estimate (default 1000 for images, 100 for sentences).")
    var importanceSampleCount: Int?
    @Option(help: "Evaluate only the first N test images.") var limit: Int?
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(help: "Sentence runs: the importance-weighted estimate uses the first N test sentences (default 500, as the reference; 0 for all).")
    var importanceLimit = 500

    func run() throws {
        if let importanceSampleCount, importanceSampleCount < 1 {
            throw CommandError("--importance-samples must be at least 1, not \(importanceSampleCount).")
        }
        if let limit, limit < 1 { throw CommandError("--limit must be at least 1, not \(limit).") }
        let run = try ModelRegistry.open(options.run, threads: options.threads)
        guard let run = run as? any EvaluableRun else { throw run.lacks("can be evaluated", command: "eval") }
        try run.evaluate(EvaluationRequest(importanceSamples: importanceSampleCount, limit: limit, importanceLimit: importanceLimit,
                                           json: json, seed: options.seed))
    }
}
