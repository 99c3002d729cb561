import TensorCore

/// What an evaluation of a sentence VAE adds up over a split: the reconstruction and KL sums, the
/// KL of each latent dimension, and every sentence's posterior mean and log-variance in evaluation
/// order (for active units and mutual information, which need them all).
struct PosteriorSums {
    var reconstruction = 0.0, kl = 0.0
    var klPerDimension: [Double]
    /// [N·D] each, row-major in evaluation order; zero where another process's rows go.
    var means: [Double], logVariances: [Double]
    let dimensions: Int

    init(sentences: Int, dimensions: Int) {
        self.dimensions = dimensions
        klPerDimension = [Double](repeating: 0, count: dimensions)
        means = [Double](repeating: 0, count: sentences * dimensions)
        logVariances = means
    }

    /// Adds a batch's rows: their reconstruction terms [n] and posteriors, whose first row is
    /// sentence `firstRow` in evaluation order.
    mutating func add(_ posterior: DiagonalGaussian, reconstruction: Tensor, firstRow: Int) {
        self.reconstruction += Double(reconstruction.sum().scalar)
        kl += Double(posterior.klDivergenceFromStandardNormal().sum().scalar)
        let perDimension = posterior.klDivergenceSumsPerDimension(to: .gaussian, at: nil)
        for dimension in klPerDimension.indices { klPerDimension[dimension] += perDimension[dimension] }
        let start = firstRow * dimensions
        for (index, value) in posterior.mean.scalars.enumerated() { means[start + index] = Double(value) }
        for (index, value) in posterior.logVariance.scalars.enumerated() { logVariances[start + index] = Double(value) }
    }

    /// Sums every process's figures, and so gathers every process's posterior rows into place.
    mutating func sum(across group: any ProcessGroup) {
        var values = [reconstruction, kl] + klPerDimension + means + logVariances
        group.sumInPlace(&values)
        (reconstruction, kl) = (values[0], values[1])
        var start = 2
        func take(_ count: Int) -> [Double] {
            defer { start += count }
            return Array(values[start..<(start + count)])
        }
        klPerDimension = take(dimensions)
        means = take(means.count)
        logVariances = take(logVariances.count)
    }

    /// A row-major [N·D] array as N rows.
    func rows(of values: [Double]) -> [[Double]] {
        guard dimensions > 0 else { return [] }
        return stride(from: 0, to: values.count, by: dimensions).map { Array(values[$0..<($0 + dimensions)]) }
    }
}
