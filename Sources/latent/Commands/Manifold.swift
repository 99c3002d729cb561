import ArgumentParser
import Foundation
import GenerativeModels
import Rendering
import TensorCore

/// `latent manifold RUN`: the learned data manifold over a grid of two latent dimensions.
struct Manifold: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a grid of latent points: for a 2-D latent the paper's figure (a uniform grid mapped "
            + "through the inverse Gaussian CDF); for more dimensions the same grid over two chosen ones, the rest at 0."
    )

    @OptionGroup var options: RunOptions
    @Option(help: "Grid points per side.") var steps = 20
    @Option(help: "The two latent dimensions to vary, as I,J.") var dimensions = "0,1"
    @Option(help: "Output PNG (default: RUN/images/manifold.png).") var out: String?
    @Option(help: "For a conditional run: the label to decode with.") var label: Int?

    func run() throws {
        guard steps >= 2 else { throw CommandError("--steps must be at least 2, not \(steps).") }
        let run = try LoadedRun(options.run, threads: options.threads)
        let vae = try run.variational(for: "latent manifold")
        let condition = try run.labelRows(label, count: steps * steps)
        let latent = run.model.latentDimension
        let chosen = dimensions.split(separator: ",").compactMap { Int($0) }
        guard chosen.count == 2, chosen[0] != chosen[1], chosen.allSatisfy({ $0 >= 0 && $0 < latent }) else {
            throw CommandError("--dimensions must name two different latent dimensions in 0..<\(latent), like 0,1, not '\(dimensions)'.")
        }
        // Quantiles of the prior at the centres of `steps` equal slices of (0, 1), as in the paper's
        // figure 4 (there through the inverse Gaussian CDF).
        let coordinates = (0..<steps).map { Float(vae.prior.quantile((Double($0) + 0.5) / Double(steps))) }
        var z = [Float](repeating: 0, count: steps * steps * latent)
        for row in 0..<steps {
            for column in 0..<steps {
                let point = (row * steps + column) * latent
                z[point + chosen[0]] = coordinates[column]
                z[point + chosen[1]] = coordinates[steps - 1 - row]   // up is positive, as in a plot
            }
        }
        let decoded = withoutGradients { run.model.decodeMean(Tensor(shape: [steps * steps, latent], scalars: z), labels: condition) }
        let url = try run.output(out, default: "manifold.png")
        let image: any PNGWritable
        do {
            image = try ImageGrid.picture(decoded.scalars, channels: run.configuration.channelCount, tileHeight: run.imageSize.rows,
                                          tileWidth: run.imageSize.columns, columns: steps, padding: 0)
        } catch { throw CommandError("Cannot draw the manifold: \(error)") }
        try Pictures.write(image, to: url)
        print(url.path)
    }
}
