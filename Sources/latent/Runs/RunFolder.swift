import Foundation
import GenerativeModels
import TensorCore

/// The files of one run: config.json, checkpoint.safetensors, metrics.jsonl and images/.
struct RunFolder {
    let url: URL

    init(_ path: String) { url = URL(fileURLWithPath: path) }

    var configuration: URL { url.appendingPathComponent("config.json") }
    var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }
    var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    var images: URL { url.appendingPathComponent("images") }
    func image(_ name: String) -> URL { images.appendingPathComponent(name) }

    /// Where a picture goes: the given path, or images/NAME in the run folder (created if needed).
    func picture(_ path: String?, default name: String) throws -> URL {
        if let path { return URL(fileURLWithPath: path) }
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        return image(name)
    }

    var exists: Bool { FileManager.default.fileExists(atPath: url.path) }

    /// Refuses a run that has not written its first checkpoint; `path` is the folder as the user typed it.
    func requireCheckpoint(named path: String) throws {
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            throw CommandError("Run folder \(path) has no checkpoint.safetensors yet.")
        }
    }

    /// What the folder holds, the run lock aside.
    var entries: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0 != RunLock.fileName }
    }

    /// The files a training writes into its run folder. A folder that holds only these and no
    /// checkpoint is an unborn run: its training ended before the first checkpoint.
    static let runFiles: Set<String> = ["config.json", "metrics.jsonl", "images", "vocabulary.txt", "eval.json", "report.html"]

    /// Whether the folder holds a run that never wrote a checkpoint, and nothing else.
    var isUnborn: Bool {
        !FileManager.default.fileExists(atPath: checkpoint.path)
            && entries.allSatisfy { Self.runFiles.contains($0) || Self.isTemporary($0) }
    }

    /// Empties an unborn run folder (the lock stays), so a new training can start in it.
    func clearUnbornRun() throws {
        for entry in entries {
            do { try FileManager.default.removeItem(at: url.appendingPathComponent(entry)) } catch {
                throw CommandError("Cannot clear the unborn run in \(url.path): \(FileErrorReason.describe(error)).")
            }
        }
    }

    /// Removes the temporary files that an interrupted atomic write leaves (`.NAME.UUID.tmp`),
    /// here and in images/.
    func removeTemporaryFiles() {
        for directory in [url, images] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names where Self.isTemporary(name) {
                try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
            }
        }
    }

    /// The project's own atomic writes leave `.NAME.UUID.tmp`; Foundation's (`Data.write(to:options:
    /// .atomic)`, config.json and eval.json) leave `.dat.nosyncXXXX.XXXXXX` when killed halfway.
    static func isTemporary(_ name: String) -> Bool {
        (name.hasPrefix(".") && name.hasSuffix(".tmp")) || name.hasPrefix(".dat.nosync")
    }

    /// Creates the folder, and images/ inside it for the models that draw pictures.
    func create(withImages: Bool = true) throws {
        try createDirectory(withImages ? images : url)
    }

    /// Creates `directory` (the run folder itself by default) and its parents, with one sentence
    /// when it cannot: a file in the way is named.
    func createDirectory(_ directory: URL? = nil) throws {
        let target = directory ?? url
        var ancestor = target
        while ancestor.path != "/" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: ancestor.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else {
                    throw CommandError("Cannot create the run folder \(url.path): \(ancestor.path) is a file, not a folder.")
                }
                break
            }
            ancestor.deleteLastPathComponent()
        }
        do { try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true) } catch {
            throw CommandError("Cannot create the run folder \(url.path): \(FileErrorReason.describe(error)).")
        }
    }

    /// The model family a run folder holds (config.json's "model" key), with a clear error when the
    /// folder is not a run.
    func family() throws -> ModelFamily {
        guard exists else { throw CommandError("Run folder \(url.path) does not exist.") }
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw CommandError("\(url.path) is not a run folder: it has no readable config.json.")
        }
        do { return try ModelFamily.named(inConfigurationAt: configuration) } catch { throw CommandError("\(error)") }
    }

    /// The configuration of a run of an exact-likelihood image model, with a clear error when the
    /// folder holds another family.
    func readConfiguration<Configuration: ExactLikelihoodConfiguration>(_ type: Configuration.Type) throws -> Configuration {
        let family = try family()
        let expected = Configuration().model
        guard family == expected else { throw CommandError("\(url.path) holds a '\(family.rawValue)' run, not a '\(expected.rawValue)' run.") }
        var read: Configuration
        do { read = try Configuration.read(from: configuration) } catch { throw CommandError("\(error)") }
        read.data = DataPath.resolved(read.data, runFolder: url)
        return read
    }

    /// The run's configuration, with a clear error when the folder is not a run of an image model
    /// with a latent code (VAE, conditional VAE, autoencoder).
    func readConfiguration() throws -> VAEConfiguration {
        guard exists else { throw CommandError("Run folder \(url.path) does not exist.") }
        guard FileManager.default.fileExists(atPath: configuration.path) else {
            throw CommandError("\(url.path) is not a run folder: it has no config.json.")
        }
        var configuration: VAEConfiguration
        do { configuration = try VAEConfiguration.read(from: self.configuration) } catch {
            throw CommandError("\(error)")
        }
        configuration.data = DataPath.resolved(configuration.data, runFolder: url)
        guard [.vae, .autoencoder].contains(configuration.model) else {
            throw CommandError("\(url.path) holds a '\(configuration.model.rawValue)' run, which this command does not handle.")
        }
        return configuration
    }

    /// Writes config.json atomically: sorted, indented, snake_case keys; with "processes", the
    /// number of processes, when a data parallel job trains the run.
    func write(_ configuration: some Encodable) throws {
        let processes = DataParallelRun.group?.size ?? 1
        do {
            let encoded = processes > 1 ? try JSONEncoder.snakeCase.encode(WithProcessCount(configuration: configuration, processes: processes))
                : try JSONEncoder.snakeCase.encode(configuration)
            try encoded.write(to: self.configuration, options: .atomic)
        } catch {
            throw CommandError("Cannot write \(self.configuration.path): \(FileErrorReason.describe(error)).")
        }
    }

    /// Appends one JSON object as a line of metrics.jsonl.
    func appendMetrics(_ record: [String: Any]) throws {
        defer { PauseHook.reach("metrics-appended") }
        let line = try JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) + Data("\n".utf8)
        do {
            if let handle = try? FileHandle(forWritingTo: metrics) {
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: line)
            } else {
                try line.write(to: metrics)
            }
        } catch {
            throw CommandError("Cannot append to \(metrics.path): \(FileErrorReason.describe(error)).")
        }
    }
}

extension RunFolder {
    /// Keeps the metrics lines a run resumed after `epoch` needs (``MetricsLog``).
    func keepMetrics(throughEpoch epoch: Int) throws {
        guard let text = try? String(contentsOf: metrics, encoding: .utf8) else { return }
        let kept = MetricsLog.lines(of: text, throughEpoch: epoch)
        do { try Data((kept.map { $0 + "\n" }.joined()).utf8).write(to: metrics, options: .atomic) } catch {
            throw CommandError("Cannot rewrite \(metrics.path): \(FileErrorReason.describe(error)).")
        }
    }
}

/// A configuration with the number of processes that train it, as one JSON object.
private struct WithProcessCount<Configuration: Encodable>: Encodable {
    let configuration: Configuration
    let processes: Int

    private enum Key: String, CodingKey { case processes }

    func encode(to encoder: any Encoder) throws {
        try configuration.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(processes, forKey: .processes)
    }
}
