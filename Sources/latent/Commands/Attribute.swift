import ArgumentParser
import Foundation
import GenerativeModels
import Rendering
import TensorCore

/// `latent attribute RUN --from-class A --to-class B`: moves the codes of chosen test images along
/// mean(code of class B) − mean(code of class A) and draws what each step decodes to.
struct Attribute: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add the attribute vector mean(class B) − mean(class A) of test codes to chosen test images' codes; "
            + "draw one row per image: the image, then decodings from strength 0 to --strength."
    )

    @OptionGroup var options: RunOptions
    @Option(help: "Class A, whose mean code is subtracted.") var fromClass: Int
    @Option(help: "Class B, whose mean code is added.") var toClass: Int
    @Option(help: "Test image indices, comma-separated (default: the first 6 images of class A).") var images: String?
    @Option(help: "Decodings per row, strength 0 to --strength.") var steps = 6
    @Option(help: "The largest multiple of the attribute vector added.") var strength: Double = 1
    @Option(help: "Test images the class means are taken over.") var limit = 10_000
    @Option(help: "Output PNG (default: RUN/images/attribute-A-to-B.png).") var out: String?

    func run() throws {
        guard steps >= 2 else { throw CommandError("--steps must be at least 2, not \(steps).") }
        guard limit >= 1 else { throw CommandError("--limit must be at least 1, not \(limit).") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let test = try run.testImages(limit: limit)
        let classCount = max(test.classCount, run.model.classCount)
        for (flag, value) in [("--from-class", fromClass), ("--to-class", toClass)] where value < 0 || value >= classCount {
            throw CommandError("\(flag) \(value) is out of range: the test labels are 0..<\(classCount).")
        }
        let codes = withoutGradients {
            run.model.code(test.tensor(), labels: run.model.oneHotLabels(test.labels, rows: 0..<test.count))
        }
        let means = ClassMeans(codes: codes, labels: test.labels, classCount: classCount)
        guard let vector = means.attributeVector(from: fromClass, to: toClass) else {
            throw CommandError("Class \(means.counts[fromClass] == 0 ? fromClass : toClass) has no images among the first \(test.count) test images; raise --limit.")
        }
        let chosen = try chosenImages(labels: test.labels)
        let strengths = (0..<steps).map { strength * Double($0) / Double(steps - 1) }
        let chosenCodes = Tensor(shape: [chosen.count, run.model.latentDimension],
                                 scalars: chosen.flatMap { Array(codes.scalars[($0 * run.model.latentDimension)..<(($0 + 1) * run.model.latentDimension)]) })
        let shifted = ClassMeans.shifted(chosenCodes, along: vector, strengths: strengths)
        // A conditional model decodes each row with its own image's label: the vector then moves
        // what the label leaves to z (style), not the class.
        let rowLabels = chosen.flatMap { Array(repeating: test.labels[$0], count: steps) }
        let decoded = withoutGradients { run.model.decodeMean(shifted, labels: run.model.oneHotLabels(rowLabels, rows: 0..<rowLabels.count)) }
        var tiles: [Float] = []
        let size = test.dimension
        for (row, index) in chosen.enumerated() {
            tiles += test.intensities[(index * size)..<((index + 1) * size)]
            tiles += decoded.scalars[(row * steps * size)..<((row + 1) * steps * size)]
        }
        let url = try run.output(out, default: "attribute-\(fromClass)-to-\(toClass).png")
        let image: any PNGWritable
        do { image = try ImageGrid.picture(tiles, channels: test.channels, tileHeight: test.rows, tileWidth: test.columns, columns: steps + 1) } catch {
            throw CommandError("Cannot draw the attribute strips: \(error)")
        }
        try Pictures.write(image, to: url)
        let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
        FileHandle.standardError.write(Data(("attribute vector \(fromClass)→\(toClass): norm \(String(format: "%.3f", norm)), "
            + "class means over \(means.counts[fromClass]) and \(means.counts[toClass]) test images\n").utf8))
        print(url.path)
    }

    /// The --images indices, checked, or the first six test images of class A.
    func chosenImages(labels: [Int]) throws -> [Int] {
        guard let images else {
            let first = labels.indices.filter { labels[$0] == fromClass }.prefix(6)
            return Array(first)
        }
        let indices = images.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !indices.isEmpty, indices.allSatisfy({ $0 != nil && $0! >= 0 && $0! < labels.count }) else {
            throw CommandError("--images must list test image indices in 0..<\(labels.count) separated by commas, not '\(images)'.")
        }
        return indices.compactMap { $0 }
    }
}
