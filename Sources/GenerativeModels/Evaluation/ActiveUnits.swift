import TensorCore

/// Which latent dimensions a VAE uses (Burda, Grosse & Salakhutdinov 2016, §5.2).
///
/// Dimension d is active when A_d = Cov_x(E_{q(z|x)}[z_d]) exceeds a threshold (0.01 in the paper):
/// a unit whose posterior mean does not move with x carries no information about x, whatever its
/// posterior variance.
public struct ActiveUnits: Sendable {
    /// The threshold A_d had to exceed.
    public let threshold: Double
    /// A_d for each latent dimension: the variance over the data set of the posterior mean μ_d(x),
    /// with the unbiased 1/(N − 1) normalization (0 when N = 1). `latentDimension` values.
    public let variances: [Double]

    /// Indices of the active dimensions, ascending.
    public var activeDimensions: [Int] { variances.indices.filter { variances[$0] > threshold } }
    /// Number of active dimensions.
    public var count: Int { activeDimensions.count }
}

extension VAE {
    /// Counts the active latent units over a data set. Deterministic: it uses the posterior means,
    /// not samples.
    ///
    /// - Parameters:
    ///   - data: [N, D] with D = `dataDimension`.
    ///   - labels: the N class labels, for a conditional model (nil for an unconditional one).
    ///   - threshold: a dimension is active when its variance exceeds this.
    ///   - batchSize: examples encoded per forward pass.
    public func activeUnits(on data: Tensor, labels: [Int]? = nil, threshold: Double = 0.01, batchSize: Int = 500) -> ActiveUnits {
        RowBatches.validate(data, dataDimension: dataDimension, caller: "activeUnits")
        let latent = latentDimension
        // Two passes over the stored means (N × latent Doubles, small) rather than running sums of
        // squares, which cancel badly when a mean is large next to its spread.
        var means: [Double] = []
        means.reserveCapacity(data.shape[0] * latent)
        withoutGradients {
            RowBatches.forEach(of: data, size: batchSize) { rows, batch in
                let condition = ConditionalInput.oneHot(labels, rows: rows, classCount: classCount)
                means += encode(batch, labels: condition).mean.scalars.map(Double.init)
            }
        }
        let count = means.count / latent
        var centers = [Double](repeating: 0, count: latent)
        for row in 0..<count {
            for d in 0..<latent { centers[d] += means[row * latent + d] }
        }
        centers = centers.map { $0 / Double(count) }
        var variances = [Double](repeating: 0, count: latent)
        guard count > 1 else { return ActiveUnits(threshold: threshold, variances: variances) }
        for row in 0..<count {
            for d in 0..<latent {
                let deviation = means[row * latent + d] - centers[d]
                variances[d] += deviation * deviation
            }
        }
        return ActiveUnits(threshold: threshold, variances: variances.map { $0 / Double(count - 1) })
    }
}
