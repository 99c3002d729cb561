import ArgumentParser
import Foundation
import GenerativeModels
import TensorCore

/// `latent encode RUN`: the codes of test images (a VAE's posterior means and log-variances, an
/// autoencoder's codes), as CSV and NumPy .npy.
struct Encode: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the codes (VAE: posterior means and log-variances) and labels of test images to CSV and .npy files.")

    @OptionGroup var options: RunOptions
    @Option(help: "Encode only the first N test images.") var limit: Int?
    @Option(help: "Output prefix (default: RUN/codes): writes PREFIX.csv, PREFIX-mean.npy, PREFIX-logvar.npy (VAEs), PREFIX-labels.npy.") var out: String?

    func run() throws {
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages(limit: limit)
        let latent = run.model.latentDimension
        let condition = run.model.oneHotLabels(images.labels, rows: 0..<images.count)
        // An autoencoder's code is a point: its "mean" column is the code, and it has no log-variance.
        let (means, logVariances): ([Float], [Float]?) = withoutGradients {
            if let vae = run.model as? VAE {
                let posterior = vae.encode(images.tensor(), labels: condition)
                return (posterior.mean.scalars, posterior.scaleHead.scalars)
            }
            return (run.model.code(images.tensor(), labels: condition).scalars, nil)
        }
        let prefix = out ?? run.folder.url.appendingPathComponent("codes").path
        let columns = ["label"] + (0..<latent).map { "mean_\($0)" } + (logVariances == nil ? [] : (0..<latent).map { "logvar_\($0)" })
        var csv = columns.joined(separator: ",") + "\n"
        for row in 0..<images.count {
            let slice = (row * latent)..<((row + 1) * latent)
            var fields = ["\(images.labels[row])"] + means[slice].map { "\($0)" }
            if let logVariances { fields += logVariances[slice].map { "\($0)" } }
            csv += fields.joined(separator: ",") + "\n"
        }
        do {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: prefix + ".csv"), options: .atomic)
            try NumPyArray.float32(means, shape: [images.count, latent]).write(to: URL(fileURLWithPath: prefix + "-mean.npy"), options: .atomic)
            if let logVariances {
                try NumPyArray.float32(logVariances, shape: [images.count, latent]).write(to: URL(fileURLWithPath: prefix + "-logvar.npy"), options: .atomic)
            }
            try NumPyArray.int64(images.labels, shape: [images.count]).write(to: URL(fileURLWithPath: prefix + "-labels.npy"), options: .atomic)
        } catch {
            throw CommandError("Cannot write the codes at \(prefix): \(error.localizedDescription)")
        }
        print(prefix + ".csv")
    }
}

/// The NumPy .npy format, version 1.0: magic, a little-endian header length, a Python dict
/// literal padded with spaces so the data start on a 64-byte boundary, then the raw data.
enum NumPyArray {
    static func float32(_ values: [Float], shape: [Int]) -> Data {
        encode(descriptor: "<f4", shape: shape, body: values.withUnsafeBytes { Data($0) })
    }

    static func int64(_ values: [Int], shape: [Int]) -> Data {
        encode(descriptor: "<i8", shape: shape, body: values.map { Int64($0).littleEndian }.withUnsafeBytes { Data($0) })
    }

    static func encode(descriptor: String, shape: [Int], body: Data) -> Data {
        let dimensions = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(dimensions), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93]) + Data("NUMPY".utf8) + Data([1, 0])
        let length = UInt16(header.utf8.count)
        data += Data([UInt8(length & 0xFF), UInt8(length >> 8)])
        data += Data(header.utf8)
        return data + body
    }
}
