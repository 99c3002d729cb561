import ArgumentParser
import Foundation
import Rendering
import TensorCore

/// `latent interpolate RUN --from I --to J`: a strip of decodings along a path between two test images' codes.
struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode points on the path between the codes of two test images, as a PNG strip.")

    @OptionGroup var options: RunOptions
    @Option(help: "Index of the first test image.") var from: Int
    @Option(help: "Index of the second test image.") var to: Int
    @Option(help: "Points on the path, ends included.") var steps = 10
    @Flag(help: "Spherical interpolation (slerp) instead of linear.") var spherical = false
    @Option(help: "For a conditional run: the label to decode with (default: the first image's).") var label: Int?
    @Option(help: "Output PNG (default: RUN/images/interpolation-FROM-TO.png).") var out: String?

    func run() throws {
        guard steps >= 2 else { throw CommandError("--steps must be at least 2, not \(steps).") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages()
        for (flag, index) in [("--from", from), ("--to", to)] where index < 0 || index >= images.count {
            throw CommandError("\(flag) \(index) is not a test image index (0..<\(images.count)).")
        }
        try run.checkLabel(label)
        let ends = run.model.oneHotLabels([images.labels[from], images.labels[to]], rows: 0..<2)
        let codes = withoutGradients { run.model.code(images.tensor([from, to]), labels: ends) }.scalars
        let latent = run.model.latentDimension
        let start = Array(codes[0..<latent]), end = Array(codes[latent...])
        let path = (0..<steps).flatMap { step -> [Float] in
            let t = Float(step) / Float(steps - 1)
            return spherical ? Self.slerp(start, end, t) : zip(start, end).map { $0 + t * ($1 - $0) }
        }
        let condition = try run.labelRows(run.model.classCount > 0 ? label ?? images.labels[from] : nil, count: steps)
        let decoded = withoutGradients { run.model.decodeMean(Tensor(shape: [steps, latent], scalars: path), labels: condition) }
        let url = try run.output(out, default: "interpolation-\(from)-\(to).png")
        do {
            try Pictures.write(try ImageGrid.picture(decoded.scalars, channels: images.channels, tileHeight: images.rows, tileWidth: images.columns,
                                                     columns: steps), to: url)
        } catch let error as CommandError { throw error } catch { throw CommandError("Cannot draw the strip: \(error)") }
        print(url.path)
    }

    /// Spherical linear interpolation: along the great circle between the two codes, which keeps
    /// intermediate points at a typical norm for a Gaussian prior. Falls back to linear for
    /// (nearly) parallel codes.
    static func slerp(_ a: [Float], _ b: [Float], _ t: Float) -> [Float] {
        let normA = a.map { $0 * $0 }.reduce(0, +).squareRoot(), normB = b.map { $0 * $0 }.reduce(0, +).squareRoot()
        let cosine = zip(a, b).map(*).reduce(0, +) / max(normA * normB, 1e-12)
        let omega = acos(min(max(cosine, -1), 1))
        guard sin(omega) > 1e-4 else { return zip(a, b).map { $0 + t * ($1 - $0) } }
        let (wa, wb) = (sin((1 - t) * omega) / sin(omega), sin(t * omega) / sin(omega))
        return zip(a, b).map { wa * $0 + wb * $1 }
    }
}
