import Datasets
import Foundation
import GenerativeModels
import NN
import TensorCore

/// A text run's configuration and vocabulary, read from its folder with errors that name the file.
struct SentenceRunFiles {
    let folder: RunFolder
    let configuration: SentenceVAEConfiguration
    let vocabulary: Vocabulary

    init(_ folder: RunFolder) throws {
        self.folder = folder
        guard folder.exists else { throw CommandError("Run folder \(folder.url.path) does not exist.") }
        guard FileManager.default.fileExists(atPath: folder.configuration.path) else {
            throw CommandError("\(folder.url.path) is not a run folder: it has no config.json.")
        }
        var read: SentenceVAEConfiguration
        do { read = try SentenceVAEConfiguration.read(from: folder.configuration) } catch { throw CommandError("\(error)") }
        read.data = DataPath.resolved(read.data, runFolder: folder.url)
        read.validationFile = read.validationFile.map { DataPath.resolved($0, runFolder: folder.url) }
        read.testFile = read.testFile.map { DataPath.resolved($0, runFolder: folder.url) }
        configuration = read
        guard configuration.model.dataKind == .text else {
            throw CommandError("\(folder.url.path) holds a '\(configuration.model.rawValue)' run, not a run of a text model.")
        }
        do { vocabulary = try Vocabulary.load(from: folder.url.appendingPathComponent(Vocabulary.fileName)) } catch {
            throw CommandError("\(error)")
        }
    }
}

/// A trained text run read back from its folder: configuration, vocabulary and weights.
struct SentenceRun: TrainedRun {
    let files: SentenceRunFiles
    let model: SentenceVAE

    init(_ path: String, threads: Int? = nil) throws {
        files = try SentenceRunFiles(RunFolder(path))
        ComputeThreads.set(threads ?? files.configuration.threads)
        try files.folder.requireCheckpoint(named: path)
        do { model = try files.configuration.makeModel(vocabularySize: files.vocabulary.count) } catch {
            throw CommandError("\(files.folder.configuration.path): \(error)")
        }
        do { _ = try Checkpoint.load(from: files.folder.checkpoint, into: model) } catch { throw CommandError("\(error)") }
    }

    var configuration: SentenceVAEConfiguration { files.configuration }
    var folder: RunFolder { files.folder }
    var family: ModelFamily { configuration.model }
    var summary: String { configuration.summary }
    var vocabulary: Vocabulary { files.vocabulary }

    /// The model, or an error naming what `command` needs that a language model lacks.
    func variational(for command: String) throws -> SentenceVAE {
        guard model.isVariational else {
            throw CommandError("\(command) needs a latent code, but \(files.folder.url.path) holds an RNN language model.")
        }
        return model
    }

    /// A sentence typed on the command line, tokenized as the run's corpus was, as ids.
    func encode(_ text: String, argument: String) throws -> [Int] {
        let tokens = configuration.textTokenizer.tokens(in: text)
        guard !tokens.isEmpty else { throw CommandError("\(argument) holds no words: '\(text)'.") }
        return vocabulary.encode(tokens)
    }

    /// Posterior means of sentences given as text: [N, D].
    func posteriorMeans(_ texts: [(text: String, argument: String)]) throws -> Tensor {
        let vae = try variational(for: "Encoding a sentence")
        let sentences = try texts.map { try encode($0.text, argument: $0.argument) }
        return withoutGradients { vae.encode(SentenceBatch(sentences: sentences, indices: Array(sentences.indices))).mean }
    }

    /// Words of a decoded sentence joined by spaces.
    func text(_ ids: [Int]) -> String { vocabulary.decode(ids).joined(separator: " ") }
}
