import TensorCore

/// Attribute vectors in a latent space (White, "Sampling Generative Networks"): the mean code of
/// each class, and the difference of two class means as a direction that adds "B-ness" and removes
/// "A-ness" when added to any image's code.
public struct ClassMeans: Sendable {
    /// Mean code per class, `[classCount][latentDimension]`; nil for a class with no examples.
    public let means: [[Double]?]
    /// Examples per class.
    public let counts: [Int]

    /// The mean code of each class among `codes` [N, latent] with `labels` (N labels in 0..<classCount).
    public init(codes: Tensor, labels: [Int], classCount: Int) {
        precondition(codes.rank == 2 && codes.shape[0] == labels.count,
                     "ClassMeans: \(labels.count) labels for codes \(codes.shape)")
        let latent = codes.shape[1]
        var sums = [[Double]](repeating: [Double](repeating: 0, count: latent), count: classCount)
        var counts = [Int](repeating: 0, count: classCount)
        let values = codes.scalars
        for (row, label) in labels.enumerated() {
            precondition(label >= 0 && label < classCount, "ClassMeans: label \(label) is outside 0..<\(classCount)")
            counts[label] += 1
            for d in 0..<latent { sums[label][d] += Double(values[row * latent + d]) }
        }
        means = zip(sums, counts).map { sum, count in count > 0 ? sum.map { $0 / Double(count) } : nil }
        self.counts = counts
    }

    /// mean(B) − mean(A), or nil when either class has no examples.
    public func attributeVector(from a: Int, to b: Int) -> [Double]? {
        guard let meanA = means[a], let meanB = means[b] else { return nil }
        return zip(meanB, meanA).map { $0 - $1 }
    }

    /// Codes [N, latent] moved along `vector` by each of `strengths`: the rows for code i are
    /// code_i + s·vector for s in strengths, so the result is [N·strengths.count, latent].
    public static func shifted(_ codes: Tensor, along vector: [Double], strengths: [Double]) -> Tensor {
        let latent = codes.shape[1]
        precondition(vector.count == latent, "ClassMeans.shifted: vector of \(vector.count) for codes \(codes.shape)")
        let values = codes.scalars
        var out: [Float] = []
        out.reserveCapacity(codes.shape[0] * strengths.count * latent)
        for row in 0..<codes.shape[0] {
            for strength in strengths {
                for d in 0..<latent { out.append(values[row * latent + d] + Float(strength * vector[d])) }
            }
        }
        return Tensor(shape: [codes.shape[0] * strengths.count, latent], scalars: out)
    }
}
