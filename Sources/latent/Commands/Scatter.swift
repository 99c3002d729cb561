import ArgumentParser
import Foundation
import GenerativeModels
import Rendering
import TensorCore

/// `latent scatter RUN`: test images' codes as points coloured by label: the two latent dimensions
/// of a 2-d code, or the top two principal components of a larger one.
struct Scatter: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Plot test codes coloured by label (PNG or SVG, by the --out extension): a 2-d latent as it is, "
            + "larger ones on their top two principal components, or on two chosen dimensions."
    )

    @OptionGroup var options: RunOptions
    @Option(help: "Test images to plot.") var limit = 5000
    @Option(help: "Plot these two latent dimensions, as I,J, instead of principal components.") var dimensions: String?
    @Option(help: "Output .png or .svg (default: RUN/images/scatter.png).") var out: String?

    /// Fashion-MNIST's class names, in label order.
    static let fashionMNISTClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    func run() throws {
        guard limit >= 2 else { throw CommandError("--limit must be at least 2, not \(limit).") }
        if let out, !(out.hasSuffix(".png") || out.hasSuffix(".svg")) {
            throw CommandError("--out \(out) must end in .png or .svg.")
        }
        let run = try LoadedRun(options.run, threads: options.threads)
        let images = try run.testImages(limit: limit)
        let latent = run.model.latentDimension
        let codes = withoutGradients {
            run.model.code(images.tensor(), labels: run.model.oneHotLabels(images.labels, rows: 0..<images.count))
        }.scalars
        let (coordinates, titles) = try planeCoordinates(codes, latent: latent)
        let points = zip(coordinates, images.labels).map { point, label in ScatterPoint(x: point.x, y: point.y, label: label) }
        let names = run.configuration.data == "fashion-mnist" ? Self.fashionMNISTClasses : nil
        let url = try run.output(out, default: "scatter.png")
        do {
            let plot = try ScatterPlot(points: points, classNames: names, xTitle: titles.x, yTitle: titles.y,
                                       title: "\(run.configuration.summary.replacingOccurrences(of: "→", with: " -> ")): \(images.count) test codes")
            if url.pathExtension == "svg" {
                try plot.writeSVG(to: url)
            } else {
                try plot.image().write(to: url)
            }
        } catch { throw CommandError("Cannot draw the scatter plot at \(url.path): \(error)") }
        print(url.path)
    }

    /// The 2-D coordinates of every code and the axis titles.
    func planeCoordinates(_ codes: [Float], latent: Int) throws -> ([(x: Double, y: Double)], (x: String, y: String)) {
        let rows = codes.count / latent
        func column(_ d: Int) -> [Double] { (0..<rows).map { Double(codes[$0 * latent + d]) } }
        if let dimensions {
            let chosen = dimensions.split(separator: ",").compactMap { Int($0) }
            guard chosen.count == 2, chosen[0] != chosen[1], chosen.allSatisfy({ $0 >= 0 && $0 < latent }) else {
                throw CommandError("--dimensions must name two different latent dimensions in 0..<\(latent), like 0,1, not '\(dimensions)'.")
            }
            return (Array(zip(column(chosen[0]), column(chosen[1])).map { (x: $0, y: $1) }), ("z\(chosen[0])", "z\(chosen[1])"))
        }
        if latent == 1 { return (column(0).map { (x: $0, y: 0) }, ("z0", "")) }
        if latent == 2 { return (Array(zip(column(0), column(1)).map { (x: $0, y: $1) }), ("z0", "z1")) }
        let components: PrincipalComponents
        do { components = try PrincipalComponents(rows: codes, dimension: latent, componentCount: 2) } catch {
            throw CommandError("Cannot find the principal components of the codes: \(error)")
        }
        let shares = components.explainedVarianceRatios.map { Int(($0 * 100).rounded()) }
        return (components.planeCoordinates(ofRows: codes),
                ("PC1 (\(shares[0])% of variance)", "PC2 (\(shares.count > 1 ? shares[1] : 0)% of variance)"))
    }
}
