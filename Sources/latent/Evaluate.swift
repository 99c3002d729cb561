import ArgumentParser
import Foundation
import GenerativeModels
import TensorCore

/// `latent eval RUN`: test −ELBO, its terms, the importance-weighted log-likelihood, active units
/// and, for discrete pixels, bits/dim. Printed and written to RUN/eval.json.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on the test set and write RUN/eval.json."
    )

    @OptionGroup var options: RunOptions
    @Option(help: "K, the importance samples per image for the log-likelihood estimate.") var importanceSamples = 1000
    @Option(help: "Evaluate only the first N test images.") var limit: Int?
    @Flag(help: "Print one JSON object instead of a table.") var json = false

    func run() throws {
        guard importanceSamples >= 1 else { throw CommandError("--importance-samples must be at least 1, not \(importanceSamples).") }
        if let limit, limit < 1 { throw CommandError("--limit must be at least 1, not \(limit).") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages(limit: limit)
        let data = images.tensor()
        var generator = RandomGenerator(seed: options.seed)
        let elbo = run.model.evaluateELBO(on: data, using: &generator)
        let bar = Progress(title: "log-likelihood, K=\(importanceSamples)", total: images.count)
        let started = Date()
        let iwae = run.model.importanceWeightedLogLikelihood(on: data, samples: importanceSamples, using: &generator) { done, _ in
            bar.update(done: done, examplesPerSecond: Double(done) / max(Date().timeIntervalSince(started), 1e-9), status: "")
        }
        let active = run.model.activeUnits(on: data)
        let configuration = run.configuration
        var report: [String: Any] = [
            "elbo": elbo.elbo, "reconstruction": elbo.reconstruction, "kl": elbo.kl,
            "log_likelihood": iwae.logLikelihood, "importance_samples": importanceSamples,
            "examples": elbo.count, "active_units": active.count, "latent_dimensions": run.model.latentDimension,
            "pixels": configuration.pixels.name, "likelihood": configuration.likelihood, "seed": options.seed,
            "units": "nats per example",
        ]
        if configuration.pixels.isDiscrete {
            report["bits_per_dim"] = bitsPerDimension(logLikelihood: iwae.logLikelihood, dataDimension: images.dimension)
        }
        let encoded = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        try encoded.write(to: run.folder.url.appendingPathComponent("eval.json"), options: .atomic)
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("test images        \(elbo.count) (\(configuration.pixels.summary))")
        print("−ELBO              \(String(format: "%.3f", -elbo.elbo)) nats per image")
        print("  reconstruction   \(String(format: "%.3f", elbo.reconstruction))")
        print("  KL               \(String(format: "%.3f", elbo.kl))")
        print("−log p(x), K=\(importanceSamples)  \(String(format: "%.3f", -iwae.logLikelihood)) nats per image (importance-weighted bound)")
        if let bits = report["bits_per_dim"] as? Double { print("bits/dim           \(String(format: "%.4f", bits))") }
        print("active units       \(active.count) of \(run.model.latentDimension)")
        if !configuration.pixels.isDiscrete {
            print("note: pixels are continuous intensities; the Bernoulli figures are a training convenience, not a likelihood of discrete data.")
        }
    }
}
