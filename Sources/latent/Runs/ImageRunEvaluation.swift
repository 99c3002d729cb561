import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// `latent eval` on a VAE, conditional VAE or autoencoder run.
extension LoadedRun: EvaluableRun {
    func evaluate(_ request: EvaluationRequest) throws {
        let images = try testImages(limit: request.limit)
        let importanceSamples = request.importanceSamples ?? 1000
        var report: [String: Any] = [
            "model": configuration.model.rawValue, "architecture": configuration.architecture.rawValue, "conditional": configuration.conditional,
            "examples": images.count, "latent_dimensions": model.latentDimension, "pixels": configuration.pixels.name,
            "likelihood": configuration.likelihood.rawValue, "channels": configuration.channelCount, "seed": request.seed, "units": "nats per example",
            "mean_squared_error": meanSquaredError(model, images), "precision": configuration.trainingPrecision.rawValue,
        ]
        if let vae = model as? VAE {
            report.merge(evaluate(vae, images, discrete: configuration.isDiscrete, importanceSamples: importanceSamples, seed: request.seed)) { $1 }
        } else {
            var generator = RandomGenerator(seed: request.seed)
            let estimate = model.evaluateObjective(on: images.tensor(), labels: nil, using: &generator)
            // No bound on log p(x) exists for a point code: the keys are there, with null values.
            report.merge(["reconstruction": estimate.reconstruction, "elbo": NSNull(), "kl": NSNull(),
                          "log_likelihood": NSNull(), "importance_samples": NSNull()]) { $1 }
        }
        let encoded = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        try encoded.write(to: folder.url.appendingPathComponent("eval.json"), options: .atomic)
        if request.json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
        } else {
            printTable(report, discrete: configuration.isDiscrete, latent: model.latentDimension, importanceSamples: importanceSamples)
        }
    }

    /// The VAE's figures: ELBO and its terms, the importance-weighted estimate, active units, and for
    /// discrete data bits/dim over every value (C·H·W), from the importance-weighted estimate
    /// (`bits_per_dim`) and from the ELBO (`bits_per_dim_elbo`, an upper bound in expectation).
    func evaluate(_ vae: VAE, _ images: ImageSet, discrete: Bool, importanceSamples: Int, seed: UInt64) -> [String: Any] {
        let data = images.tensor()
        var generator = RandomGenerator(seed: seed)
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
            "kl_per_dimension": elbo.klPerDimension,
        ]
        if discrete {
            figures["bits_per_dim"] = bitsPerDimension(logLikelihood: iwae.logLikelihood, dataDimension: images.dimension)
            figures["bits_per_dim_elbo"] = bitsPerDimension(logLikelihood: elbo.elbo, dataDimension: images.dimension)
        }
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

    func printTable(_ report: [String: Any], discrete: Bool, latent: Int, importanceSamples: Int) {
        func figure(_ key: String) -> String { (report[key] as? Double).map { String(format: "%.3f", $0) } ?? "—" }
        print("test images        \(report["examples"] ?? 0) (\(configuration.pixels.summary), \(configuration.likelihood) likelihood)")
        print("trained in         \(configuration.trainingPrecision.rawValue) (the evaluation runs in fp32)")
        if let elbo = report["elbo"] as? Double {
            print("−ELBO              \(String(format: "%.3f", -elbo)) nats per image")
            print("  reconstruction   \(figure("reconstruction"))")
            print("  KL               \(figure("kl"))")
            let logLikelihood = (report["log_likelihood"] as? Double) ?? 0
            print("−log p(x), K=\(importanceSamples)  \(String(format: "%.3f", -logLikelihood)) nats per image (importance-weighted bound)")
            if let bits = report["bits_per_dim"] as? Double { print("bits/dim           \(String(format: "%.4f", bits))") }
            if let bits = report["bits_per_dim_elbo"] as? Double { print("bits/dim (ELBO)    \(String(format: "%.4f", bits)) (upper bound)") }
            print("active units       \(report["active_units"] ?? 0) of \(latent)")
        } else {
            print("reconstruction     \(figure("reconstruction")) nats per image (−log p(x|z) at the code; an autoencoder has no bound on log p(x))")
        }
        print("squared error      \(String(format: "%.5f", (report["mean_squared_error"] as? Double) ?? 0)) per pixel")
        if !discrete {
            print("note: pixels are continuous intensities; the Bernoulli figures are a training convenience, not a likelihood of discrete data.")
        }
    }
}
