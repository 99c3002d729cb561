import Foundation
import XCTest

/// `latent train sentence-vae` / `rnnlm` and the text commands on a tiny corpus written here.
final class SentenceModelTests: XCTestCase {
    /// 300 short sentences from a small grammar, one per line.
    static func tinyCorpus(in folder: URL) throws -> URL {
        let subjects = ["the cat", "a dog", "my friend", "the old man", "a child"]
        let verbs = ["sees", "likes", "finds", "wants"]
        let objects = ["the ball", "a fish", "the red house", "an apple", "the music"]
        var lines: [String] = []
        for index in 0..<300 {
            lines.append("\(subjects[index % 5]) \(verbs[(index / 5) % 4]) \(objects[(index / 20) % 5]) .")
        }
        let url = folder.appendingPathComponent("tiny.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static let smallModel = ["--embedding", "12", "--hidden", "12", "--latent", "4", "--batch-size", "16", "--threads", "1"]

    func testTrainEvaluateGenerateReconstructAndHomotopy() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let corpus = try Self.tinyCorpus(in: workspace)
        let run = workspace.appendingPathComponent("vae")
        let trained = try CLIHarness.run(["train", "sentence-vae", "--data", corpus.path, "--epochs", "2", "--seed", "3",
                                          "--out", run.path] + Self.smallModel)
        XCTAssertEqual(trained.status, 0, trained.errors)
        for file in ["config.json", "checkpoint.safetensors", "metrics.jsonl", "vocabulary.txt"] {
            XCTAssert(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), file)
        }
        let metrics = try CLIHarness.metrics(in: run)
        XCTAssertEqual(metrics.compactMap { $0["epoch"] as? Int }, [1, 1, 2, 2])
        for key in ["nll", "kl", "perplexity", "beta"] { XCTAssertNotNil(metrics[0][key] as? Double, key) }
        XCTAssertNotNil(metrics[0]["tokens_per_second"] as? Double)
        XCTAssertNotNil(metrics[1]["active_units"] as? Int)

        let evaluated = try CLIHarness.run(["eval", run.path, "--json", "--importance-samples", "5"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.output.utf8)) as! [String: Any]
        let elbo = try XCTUnwrap(report["elbo"] as? Double)
        XCTAssertLessThan(elbo, 0)
        XCTAssertGreaterThan(try XCTUnwrap(report["log_likelihood"] as? Double), elbo - 1)
        for key in ["kl", "perplexity", "mutual_information"] { XCTAssertNotNil(report[key] as? Double, key) }
        XCTAssertNotNil(report["active_units"] as? Int)
        // The KL of each latent dimension, in eval.json and on the validation lines, sums to the KL.
        let klPerDimension = try XCTUnwrap(report["kl_per_dimension"] as? [Double])
        XCTAssertEqual(klPerDimension.reduce(0, +), try XCTUnwrap(report["kl"] as? Double), accuracy: 1e-6 + 1e-6 * klPerDimension.reduce(0, +))
        XCTAssertEqual((metrics[1]["kl_per_dimension"] as? [Double])?.count, klPerDimension.count)

        // The report a text run contributes: greedy and sampled sentences and a homotopy.
        let reported = try CLIHarness.run(["report", run.path])
        XCTAssertEqual(reported.status, 0, reported.errors)
        let page = try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8)
        for section in ["Greedy sentences", "Sampled sentences", "Homotopy", "Perplexity", "KL per latent dimension"] {
            XCTAssert(page.contains(section), "the text run's report lacks \(section)")
        }

        for arguments in [["generate", run.path, "--count", "3"], ["generate", run.path, "--strategy", "beam", "--count", "2"],
                          ["generate", run.path, "--strategy", "sample", "--temperature", "0.8"]] {
            let generated = try CLIHarness.run(arguments)
            XCTAssertEqual(generated.status, 0, generated.errors)
            XCTAssertFalse(generated.output.isEmpty)
        }
        let reconstructed = try CLIHarness.run(["reconstruct", run.path, "the cat sees a fish ."])
        XCTAssertEqual(reconstructed.status, 0, reconstructed.errors)
        XCTAssert(reconstructed.output.contains("in : the cat sees a fish ."), reconstructed.output)
        let homotopy = try CLIHarness.run(["homotopy", run.path, "the cat sees a fish .", "a dog likes the music .",
                                           "--steps", "4", "--path", "spherical"])
        XCTAssertEqual(homotopy.status, 0, homotopy.errors)
        XCTAssertEqual(homotopy.output.split(separator: "\n").count, 4, homotopy.output)
    }

    /// A GRU run goes through the same commands; beam search follows its one-part state.
    func testGRUModelTrainsEvaluatesAndDecodes() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let corpus = try Self.tinyCorpus(in: workspace)
        let run = workspace.appendingPathComponent("gru")
        let trained = try CLIHarness.run(["train", "sentence-vae", "--cell", "gru", "--data", corpus.path, "--epochs", "1",
                                          "--seed", "3", "--out", run.path] + Self.smallModel)
        XCTAssertEqual(trained.status, 0, trained.errors)
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(config["cell"] as? String, "gru")
        // Three gate blocks of 12: the weights are a GRU's, not an LSTM's four.
        let file = try Data(contentsOf: run.appendingPathComponent("checkpoint.safetensors"))
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: file[8..<(8 + headerLength)]) as! [String: Any]
        XCTAssertEqual((header["model.decoder.hiddenWeight"] as? [String: Any])?["shape"] as? [Int], [36, 12])
        let evaluated = try CLIHarness.run(["eval", run.path, "--json", "--importance-samples", "5"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        for arguments in [["generate", run.path, "--strategy", "beam", "--count", "2"],
                          ["reconstruct", run.path, "the cat sees a fish ."]] {
            let decoded = try CLIHarness.run(arguments)
            XCTAssertEqual(decoded.status, 0, decoded.errors)
            XCTAssertFalse(decoded.output.isEmpty)
        }
    }

    /// --keep-case and --tokens whitespace reach the vocabulary and the commands that read
    /// typed sentences; --max-vocab caps the vocabulary at the most frequent words.
    func testTokenizationAndVocabularyFlags() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let lines = (0..<200).map { ["The <unk> Cat sees a dog .", "a Dog's ball rolls .", "The cat sleeps ."][$0 % 3] }
        let corpus = workspace.appendingPathComponent("cased.txt")
        try (lines.joined(separator: "\n") + "\n").write(to: corpus, atomically: true, encoding: .utf8)
        func vocabulary(_ run: URL) throws -> [String] {
            try String(contentsOf: run.appendingPathComponent("vocabulary.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let cased = workspace.appendingPathComponent("cased")
        let trained = try CLIHarness.run(["train", "rnnlm", "--data", corpus.path, "--epochs", "1", "--keep-case",
                                          "--tokens", "whitespace", "--out", cased.path] + Self.smallModel)
        XCTAssertEqual(trained.status, 0, trained.errors)
        let words = try vocabulary(cased)
        for word in ["The", "Cat", "Dog's", "cat"] { XCTAssert(words.contains(word), "\(word) not in \(words)") }
        XCTAssertFalse(words.contains("the"), "the text was lowercased: \(words)")
        XCTAssertEqual(words.filter { $0 == "<unk>" }.count, 1, "a whitespace-tokenized <unk> is the unknown token, not a word")

        let capped = workspace.appendingPathComponent("capped")
        XCTAssertEqual(try CLIHarness.run(["train", "rnnlm", "--data", corpus.path, "--epochs", "1", "--max-vocab", "8",
                                           "--out", capped.path] + Self.smallModel).status, 0)
        let cappedWords = try vocabulary(capped)
        XCTAssertEqual(cappedWords.count, 8)
        XCTAssertEqual(Array(cappedWords[4...]), [".", "a", "cat", "the"], "the most frequent words, ties by code point")

        let refused = try CLIHarness.run(["train", "rnnlm", "--data", "fortunes", "--keep-case",
                                          "--out", workspace.appendingPathComponent("f").path])
        CLIHarness.assertRefused(refused, mentioning: ["--keep-case"])
        let tooSmall = try CLIHarness.run(["train", "rnnlm", "--data", corpus.path, "--max-vocab", "4",
                                           "--out", workspace.appendingPathComponent("s").path])
        CLIHarness.assertRefused(tooSmall, mentioning: ["--max-vocab"])
    }

    func testResumedRunEndsWithTheSameWeights() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let corpus = try Self.tinyCorpus(in: workspace)
        let arguments = ["train", "rnnlm", "--data", corpus.path, "--seed", "4", "--keep-rate", "0.8"] + Self.smallModel
        let straight = workspace.appendingPathComponent("straight"), split = workspace.appendingPathComponent("split")
        XCTAssertEqual(try CLIHarness.run(arguments + ["--epochs", "2", "--out", straight.path]).status, 0)
        XCTAssertEqual(try CLIHarness.run(arguments + ["--epochs", "1", "--out", split.path]).status, 0)
        let resumed = try CLIHarness.run(["train", "rnnlm", "--out", split.path, "--resume", "--epochs", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.errors)
        XCTAssertEqual(try CLIHarness.modelBytes(straight), try CLIHarness.modelBytes(split))
        let evaluated = try CLIHarness.run(["eval", split.path, "--json"])
        XCTAssertEqual(evaluated.status, 0, evaluated.errors)
        XCTAssert(evaluated.output.contains("\"perplexity\""), evaluated.output)
    }

    func testBadInputGivesOneSentenceAndNonZeroExit() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let missing = workspace.appendingPathComponent("missing.txt").path
        let result = try CLIHarness.run(["train", "sentence-vae", "--data", missing, "--out", workspace.appendingPathComponent("r").path])
        CLIHarness.assertRefused(result, mentioning: [missing])
        let corpus = try Self.tinyCorpus(in: workspace)
        let keep = try CLIHarness.run(["train", "sentence-vae", "--data", corpus.path, "--keep-rate", "1.5",
                                       "--out", workspace.appendingPathComponent("k").path])
        CLIHarness.assertRefused(keep, mentioning: ["--keep-rate"])
        let cell = try CLIHarness.run(["train", "rnnlm", "--data", corpus.path, "--cell", "rnn",
                                       "--out", workspace.appendingPathComponent("c").path])
        CLIHarness.assertRefused(cell, mentioning: ["--cell must be lstm or gru"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("c").path), "no run folder for a refused flag")
    }

    /// The collapse warning comes after two epochs of validation KL below the threshold, and names
    /// the flags that fight collapse; with a threshold of 0 no KL counts and it never comes.
    func testPosteriorCollapseWarning() throws {
        let workspace = try CLIHarness.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let corpus = try Self.tinyCorpus(in: workspace)
        func train(_ name: String, threshold: String, epochs: Int) throws -> CLIHarness.Result {
            try CLIHarness.run(["train", "sentence-vae", "--data", corpus.path, "--epochs", String(epochs), "--seed", "5",
                                "--collapse-warning-kl", threshold, "--out", workspace.appendingPathComponent(name).path] + Self.smallModel)
        }
        let warned = try train("warned", threshold: "1000", epochs: 2)
        XCTAssertEqual(warned.status, 0, warned.errors)
        XCTAssert(warned.errors.contains("posterior collapse") && warned.errors.contains("--free-bits"), warned.errors)
        let early = try train("early", threshold: "1000", epochs: 1)
        XCTAssertFalse(early.errors.contains("posterior collapse"), "one epoch is not enough to warn: \(early.errors)")
        let quiet = try train("quiet", threshold: "0", epochs: 2)
        XCTAssertFalse(quiet.errors.contains("posterior collapse"), quiet.errors)
    }
}
