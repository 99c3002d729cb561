import Foundation
import XCTest

/// Runs the built `latent` executable as a user would, and makes small real data sets for it.
enum CLIHarness {
    /// The `latent` binary next to the test bundle.
    static var executable: URL {
        var directory = Bundle(for: BundleLocator.self).bundleURL
        while directory.pathExtension == "xctest" || directory.lastPathComponent.hasSuffix(".xctest") {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("latent")
    }

    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    /// Checks that a run was refused as bad input should be: a non-zero exit, an error that names
    /// each of `fragments`, and no crash.
    static func assertRefused(_ result: Result, mentioning fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, "expected a refusal: \(result.output)", file: file, line: line)
        for fragment in fragments {
            XCTAssert(result.errors.contains(fragment), "'\(fragment)' not in: \(result.errors)", file: file, line: line)
        }
        XCTAssertFalse(result.errors.contains("Fatal error"), "crashed: \(result.errors)", file: file, line: line)
    }

    /// Runs `latent arguments…` to completion, in `directory` when one is given.
    @discardableResult
    static func run(_ arguments: [String], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        return try run(process)
    }

    /// Runs `process` to completion and collects what it wrote.
    static func run(_ process: Process) throws -> Result {
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }

    static let fashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A small MNIST-format folder cut from the real Fashion-MNIST files: the first `train` training
    /// and `test` test images, written raw (uncompressed).
    static func smallFashionMNIST(train: Int, test: Int) throws -> URL {
        let folder = try temporaryFolder()
        for (split, count) in [("train", train), ("t10k", test)] {
            let images = try gunzip(fashionMNIST.appendingPathComponent("\(split)-images-idx3-ubyte.gz"))
            let labels = try gunzip(fashionMNIST.appendingPathComponent("\(split)-labels-idx1-ubyte.gz"))
            try (header(magic: 0x0803, dimensions: [count, 28, 28]) + images[16..<(16 + count * 784)])
                .write(to: folder.appendingPathComponent("\(split)-images-idx3-ubyte"))
            try (header(magic: 0x0801, dimensions: [count]) + labels[8..<(8 + count)])
                .write(to: folder.appendingPathComponent("\(split)-labels-idx1-ubyte"))
        }
        return folder
    }

    static func header(magic: UInt32, dimensions: [Int]) -> Data {
        let words: [UInt32] = [magic] + dimensions.map { UInt32($0) }
        var data = Data()
        for word in words { withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func gunzip(_ url: URL) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    static func metrics(in run: URL) throws -> [[String: Any]] {
        try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// The raw bytes of the model's tensors in a checkpoint (metadata such as timings may differ).
    static func modelBytes(_ run: URL) throws -> Data {
        let file = try Data(contentsOf: run.appendingPathComponent("checkpoint.safetensors"))
        let headerLength = file.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: file[8..<(8 + headerLength)]) as! [String: Any]
        var bytes = Data()
        for key in header.keys.sorted() where key.hasPrefix("model.") {
            let offsets = (header[key] as! [String: Any])["data_offsets"] as! [Int]
            bytes += file[(8 + headerLength + offsets[0])..<(8 + headerLength + offsets[1])]
        }
        XCTAssertFalse(bytes.isEmpty)
        return bytes
    }
}

private final class BundleLocator {}
