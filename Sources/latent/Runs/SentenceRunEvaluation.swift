import Foundation
import GenerativeModels
import TensorCore

/// `latent eval RUN` for a text run: test −ELBO, KL, perplexity, the importance-weighted
/// log-likelihood, active units and mutual information, per sentence. Printed and written to
/// RUN/eval.json.
extension SentenceRun: EvaluableRun {
    func evaluate(_ request: EvaluationRequest) throws {
        let (importanceSamples, limit, importanceLimit, json) = (request.importanceSamples ?? 100, request.limit, request.importanceLimit, request.json)
        let data = try SentenceDataSource.load(configuration, vocabulary: vocabulary)
        // A run trained with a validation file but no test file is evaluated on validation.
        let (splitName, split) = data.test.isEmpty ? ("validation", data.validation) : ("test", data.test)
        let sentences = Array(split.prefix(limit ?? split.count))
        guard !sentences.isEmpty else { throw CommandError("\(configuration.data) has no \(splitName) sentences to evaluate.") }
        guard importanceLimit >= 0 else { throw CommandError("--importance-limit must not be negative, not \(importanceLimit).") }
        var generator = RandomGenerator(seed: request.seed)
        let evaluation = model.evaluate(sentences, using: &generator)
        // K decoder passes per sentence make the estimate the slow part; like the reference, it
        // runs on the first N sentences, with the ELBO of the same sentences beside it.
        let subset = importanceLimit > 0 ? Array(sentences.prefix(importanceLimit)) : sentences
        let subsetELBO = subset.count == sentences.count ? evaluation : model.evaluate(subset, using: &generator)
        let bar = Progress(title: "log-likelihood, K=\(importanceSamples)", total: subset.count)
        let estimate = model.importanceWeightedLogLikelihood(subset, samples: importanceSamples, using: &generator) { done, _ in
            bar.update(done: done)
        }
        let tokens = Double(subsetELBO.tokens)
        let report: [String: Any] = [
            "model": configuration.model.rawValue, "split": splitName, "sentences": sentences.count, "tokens": evaluation.tokens,
            "units": "nats per sentence", "seed": request.seed,
            "elbo": evaluation.elbo, "nll": evaluation.nll, "reconstruction": evaluation.reconstruction, "kl": evaluation.kl,
            "perplexity": evaluation.perplexity,
            "log_likelihood": estimate.logLikelihood, "importance_samples": estimate.samples,
            "importance_sentences": subset.count, "elbo_on_importance_sentences": subsetELBO.elbo,
            "importance_weighted_perplexity": Foundation.exp(-estimate.logLikelihood * Double(subset.count) / tokens),
            "active_units": evaluation.activeUnits.map { $0.count as Any } ?? NSNull(),
            "latent_dimensions": model.latentDimension,
            "mutual_information": evaluation.mutualInformation.map { $0 as Any } ?? NSNull(),
            "kl_per_dimension": evaluation.klPerDimension.map { $0 as Any } ?? NSNull(),
            "vocabulary": vocabulary.count, "keep_rate": configuration.keepRate, "precision": configuration.trainingPrecision.rawValue,
        ]
        let encoded = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        try encoded.write(to: files.folder.url.appendingPathComponent("eval.json"), options: .atomic)
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        func figure(_ key: String, _ digits: Int = 3) -> String { (report[key] as? Double).map { String(format: "%.\(digits)f", $0) } ?? "—" }
        print("\(splitName) sentences     \(sentences.count) (\(evaluation.tokens) tokens with <eos>)")
        print("trained in         \(configuration.trainingPrecision.rawValue) (the evaluation runs in fp32)")
        print("−ELBO (NLL)        \(String(format: "%.3f", evaluation.nll)) nats per sentence")
        print("  reconstruction   \(figure("reconstruction"))")
        print("  KL               \(figure("kl"))")
        print("perplexity         \(figure("perplexity", 2)) (from the −ELBO)")
        print("−log p(x), K=\(estimate.samples)   \(String(format: "%.3f", -estimate.logLikelihood)) nats per sentence, perplexity \(figure("importance_weighted_perplexity", 2)) "
              + "(first \(subset.count) sentences; −ELBO on them \(String(format: "%.3f", subsetELBO.nll)))")
        if let units = evaluation.activeUnits { print("active units       \(units.count) of \(model.latentDimension)") }
        if evaluation.mutualInformation != nil { print("mutual information \(figure("mutual_information")) nats") }
    }
}
