import ArgumentParser
import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// `latent eval RUN`: for a VAE the test −ELBO, its terms, the importance-weighted log-likelihood,
/// active units and, for discrete pixels, bits/dim; for an autoencoder the reconstruction terms;
/// for a PixelCNN the exact −log p(x) and bits/dim. Printed and written to RUN/eval.json.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate a trained run on the test set and write RUN/eval.json."
    )

    @OptionGroup var options: RunOptions
    @Option(name: .customLong("importance-samples"),
            help: "K, the importance samples per example for the log-likelihood estimate (default 1000 for images, 100 for sentences).")
    var importanceSampleCount: Int?
    var importanceSamples: Int { importanceSampleCount ?? 1000 }
    @Option(help: "Evaluate only the first N test images.") var limit: Int?
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(help: "Sentence runs: the importance-weighted estimate uses the first N test sentences (default 500, as the reference; 0 for all).")
    var importanceLimit = 500

    func run() throws {
        guard importanceSamples >= 1 else { throw CommandError("--importance-samples must be at least 1, not \(importanceSamples).") }
        if let limit, limit < 1 { throw CommandError("--limit must be at least 1, not \(limit).") }
        if PixelCNNRun.isPixelCNN(options.run) {
            return try PixelCNNRun(options.run, threads: options.threads).evaluate(limit: limit, json: json)
        }
        if RunFolder(options.run).holdsSentenceModel {
            return try SentenceEvaluate(options: options, importanceSamples: importanceSampleCount ?? 100, limit: limit,
                                        importanceLimit: importanceLimit, json: json).run()
        }
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages(limit: limit)
        let configuration = run.configuration
        var report: [String: Any] = [
            "model": configuration.model, "architecture": configuration.architecture, "conditional": configuration.conditional,
            "examples": images.count, "latent_dimensions": run.model.latentDimension, "pixels": configuration.pixels.name,
            "likelihood": configuration.likelihood, "seed": options.seed, "units": "nats per example",
            "mean_squared_error": meanSquaredError(run.model, images),
        ]
        if let vae = run.model as? VAE {
            report.merge(evaluate(vae, images, discrete: configuration.pixels.isDiscrete)) { $1 }
        } else {
            var generator = RandomGenerator(seed: options.seed)
            let estimate = run.model.evaluateObjective(on: images.tensor(), labels: nil, using: &generator)
            // No bound on log p(x) exists for a point code: the keys are there, with null values.
            report.merge(["reconstruction": estimate.reconstruction, "elbo": NSNull(), "kl": NSNull(),
                          "log_likelihood": NSNull(), "importance_samples": NSNull()]) { $1 }
        }
        let encoded = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        try encoded.write(to: run.folder.url.appendingPathComponent("eval.json"), options: .atomic)
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
        } else {
            printTable(report, pixels: configuration.pixels, latent: run.model.latentDimension)
        }
    }

    /// The VAE's figures: ELBO and its terms, the importance-weighted estimate, active units, bits/dim.
    func evaluate(_ vae: VAE, _ images: ImageSet, discrete: Bool) -> [String: Any] {
        let data = images.tensor()
        var generator = RandomGenerator(seed: options.seed)
        let elbo = vae.evaluateELBO(on: data, labels: images.labels, using: &generator)
        let bar = Progress(title: "log-likelihood, K=\(importanceSamples)", total: images.count)
        let iwae = vae.importanceWeightedLogLikelihood(on: data, labels: images.labels, samples: importanceSamples,
                                                       using: &generator) { done, _ in
            bar.update(done: done)
        }
        var figures: [String: Any] = [
            "elbo": elbo.elbo, "reconstruction": elbo.reconstruction, "kl": elbo.kl,
            "log_likelihood": iwae.logLikelihood, "importance_samples": importanceSamples,
            "active_units": vae.activeUnits(on: data, labels: images.labels).count,
        ]
        if discrete { figures["bits_per_dim"] = bitsPerDimension(logLikelihood: iwae.logLikelihood, dataDimension: images.dimension) }
        return figures
    }

    /// Mean squared error per pixel between test images and their reconstructions from the code.
    func meanSquaredError(_ model: any LatentImageModel, _ images: ImageSet) -> Double {
        var total = 0.0
        withoutGradients {
            for start in stride(from: 0, to: images.count, by: 500) {
                let rows = start..<min(start + 500, images.count)
                let condition = model.oneHotLabels(images.labels, rows: rows)
                let inputs = images.tensor(rows)
                let outputs = model.decodeMean(model.code(inputs, labels: condition), labels: condition)
                total += zip(inputs.scalars, outputs.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
            }
        }
        return total / Double(images.count * images.dimension)
    }

    func printTable(_ report: [String: Any], pixels: PixelHandling, latent: Int) {
        func figure(_ key: String) -> String { (report[key] as? Double).map { String(format: "%.3f", $0) } ?? "—" }
        print("test images        \(report["examples"] ?? 0) (\(pixels.summary))")
        if let elbo = report["elbo"] as? Double {
            print("−ELBO              \(String(format: "%.3f", -elbo)) nats per image")
            print("  reconstruction   \(figure("reconstruction"))")
            print("  KL               \(figure("kl"))")
            let logLikelihood = (report["log_likelihood"] as? Double) ?? 0
            print("−log p(x), K=\(importanceSamples)  \(String(format: "%.3f", -logLikelihood)) nats per image (importance-weighted bound)")
            if let bits = report["bits_per_dim"] as? Double { print("bits/dim           \(String(format: "%.4f", bits))") }
            print("active units       \(report["active_units"] ?? 0) of \(latent)")
        } else {
            print("reconstruction     \(figure("reconstruction")) nats per image (−log p(x|z) at the code; an autoencoder has no bound on log p(x))")
        }
        print("squared error      \(String(format: "%.5f", (report["mean_squared_error"] as? Double) ?? 0)) per pixel")
        if !pixels.isDiscrete {
            print("note: pixels are continuous intensities; the Bernoulli figures are a training convenience, not a likelihood of discrete data.")
        }
    }
}
