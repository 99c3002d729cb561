/// Principal component analysis of a set of points: their mean, and the directions along which
/// they vary most, from the eigen-decomposition of the sample covariance matrix.
///
/// Used to look at latent codes of more than two dimensions in a plane: project each code onto
/// the first two components (`planeCoordinates`) and plot them.
///
/// Everything is computed in `Double`, whatever the input precision: the covariance sums N
/// products per entry, and Float would lose the small variances next to large ones. Fitting
/// takes O(N·D²) for the covariance plus O(D³) for its eigen-decomposition (Jacobi rotations,
/// see `SymmetricEigendecomposition`): well under a second in a release build for 10,000 points
/// of a few hundred dimensions.
///
/// `explainedVarianceRatios` gives the share of each component, for axis titles such as
/// "PC1 (34% of variance)".
///
/// **Sign convention.** An eigenvector is only defined up to sign, so each direction is flipped
/// to make its largest-magnitude entry positive (when several entries tie in magnitude, to
/// within a relative 1e-9, the first of them). The same points therefore always give the same
/// picture, not its mirror image.
public struct PrincipalComponents: Sendable, Equatable {
    /// Dimension D of the points.
    public let dimension: Int
    /// Number N of points the analysis was fitted to.
    public let sampleCount: Int
    /// The mean of the points, D values.
    public let mean: [Double]
    /// The principal directions, largest variance first: `directions[k]` is a unit vector of D
    /// values, orthogonal to the others. Directions of equal variance are an arbitrary (but
    /// deterministic) orthonormal basis of their eigenspace.
    public let directions: [[Double]]
    /// The variance of the points along each direction, in decreasing order: the eigenvalues of
    /// the sample covariance with the unbiased 1/(N − 1) normalization (all 0 when N = 1).
    /// Rounding can make an eigenvalue of a singular covariance slightly negative; such values
    /// are reported as 0.
    public let variances: [Double]
    /// The total variance, the trace of the sample covariance: the sum of the variances of all
    /// D directions, kept or not.
    public let totalVariance: Double

    /// Number of directions kept.
    public var componentCount: Int { directions.count }

    /// The fraction of the total variance along each kept direction, in [0, 1]; all 0 when the
    /// points do not vary at all (rather than 0/0).
    public var explainedVarianceRatios: [Double] {
        totalVariance > 0 ? variances.map { $0 / totalVariance } : variances.map { _ in 0 }
    }

    /// Fits the analysis to points given as rows.
    ///
    /// - Parameters:
    ///   - points: N ≥ 1 points, each with the same number D ≥ 1 of finite coordinates.
    ///   - componentCount: how many directions to keep, 1...D; nil keeps all D.
    /// - Throws: `PrincipalComponentsError` for no points, rows of different lengths, a
    ///   non-finite coordinate, or a component count outside 1...D.
    public init(points: [[Double]], componentCount: Int? = nil) throws(PrincipalComponentsError) {
        guard let first = points.first else { throw .noPoints }
        let dimension = first.count
        guard dimension >= 1 else { throw .invalidDimension(dimension) }
        var flat: [Double] = []
        flat.reserveCapacity(points.count * dimension)
        for (row, point) in points.enumerated() {
            guard point.count == dimension else {
                throw .rowLengthMismatch(row: row, expected: dimension, found: point.count)
            }
            flat += point
        }
        try self.init(flat: flat, dimension: dimension, componentCount: componentCount)
    }

    /// Fits the analysis to points stored row-major in one array, as a `[N, D]` tensor's scalars
    /// are (for example a VAE's posterior means).
    ///
    /// - Parameters:
    ///   - rows: N·D values, point after point.
    ///   - dimension: D ≥ 1, the values per point.
    ///   - componentCount: how many directions to keep, 1...D; nil keeps all D.
    /// - Throws: `PrincipalComponentsError` for an invalid dimension, a value count that is not a
    ///   positive multiple of it, a non-finite value, or a component count outside 1...D.
    public init(rows: [Float], dimension: Int, componentCount: Int? = nil) throws(PrincipalComponentsError) {
        guard dimension >= 1 else { throw .invalidDimension(dimension) }
        guard !rows.isEmpty else { throw .noPoints }
        guard rows.count % dimension == 0 else {
            throw .valueCountMismatch(valueCount: rows.count, dimension: dimension)
        }
        try self.init(flat: rows.map(Double.init), dimension: dimension, componentCount: componentCount)
    }

    private init(flat: [Double], dimension d: Int, componentCount: Int?) throws(PrincipalComponentsError) {
        let kept = componentCount ?? d
        guard (1...d).contains(kept) else { throw .invalidComponentCount(requested: kept, dimension: d) }
        if let index = flat.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(row: index / d, column: index % d)
        }
        let n = flat.count / d

        var mean = [Double](repeating: 0, count: d)
        for row in 0..<n {
            for j in 0..<d { mean[j] += flat[row * d + j] }
        }
        mean = mean.map { $0 / Double(n) }

        // Covariance from centred values (two passes), not from sums of squares, which cancel
        // catastrophically when the mean is large next to the spread. Upper triangle only.
        var covariance = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for row in 0..<n {
            for j in 0..<d { centred[j] = flat[row * d + j] - mean[j] }
            for i in 0..<d {
                let ci = centred[i]
                for j in i..<d { covariance[i * d + j] += ci * centred[j] }
            }
        }
        let normalization = n > 1 ? 1 / Double(n - 1) : 0
        for i in 0..<d {
            for j in i..<d { covariance[i * d + j] *= normalization }
        }

        let eigen = SymmetricEigendecomposition(symmetric: covariance, dimension: d)
        self.dimension = d
        self.sampleCount = n
        self.mean = mean
        self.directions = eigen.vectors.prefix(kept).map(Self.withSignConvention)
        self.variances = eigen.values.prefix(kept).map { max($0, 0) }
        self.totalVariance = (0..<d).reduce(0) { $0 + covariance[$1 * d + $1] }
    }

    /// `direction`, negated if needed so that its largest-magnitude entry is positive.
    static func withSignConvention(_ direction: [Double]) -> [Double] {
        let largest = direction.reduce(0) { max($0, abs($1)) }
        // The tolerance makes exact ties (such as (1, −1)/√2) resolve the same way whatever the
        // rounding in the last bits of the eigenvector.
        guard let leading = direction.first(where: { abs($0) >= largest * (1 - 1e-9) }), leading < 0 else {
            return direction
        }
        return direction.map { -$0 }
    }

    // MARK: Projection

    /// The coordinates of `point` along each kept direction, measured from the mean:
    /// `componentCount` values, the k-th being (point − mean) · directions[k].
    public func project(_ point: [Double]) -> [Double] {
        precondition(point.count == dimension,
                     "PrincipalComponents.project: a point has \(point.count) coordinates, expected \(dimension)")
        var centred = point
        for j in 0..<dimension { centred[j] -= mean[j] }
        return directions.map { direction in
            var sum = 0.0
            for j in 0..<dimension { sum += direction[j] * centred[j] }
            return sum
        }
    }

    /// The coordinates of each point on the first two directions, for a scatter plot. When only
    /// one direction exists (D = 1 or `componentCount` 1), every `y` is 0, so the points still
    /// plot, on a line.
    public func planeCoordinates(of points: [[Double]]) -> [(x: Double, y: Double)] {
        points.map { point in
            let coordinates = project(point)
            return (coordinates[0], coordinates.count > 1 ? coordinates[1] : 0)
        }
    }

    /// `planeCoordinates(of:)` for points stored row-major, `dimension` values each.
    public func planeCoordinates(ofRows rows: [Float]) -> [(x: Double, y: Double)] {
        precondition(rows.count % dimension == 0,
                     "PrincipalComponents.planeCoordinates: \(rows.count) values are not rows of \(dimension)")
        return planeCoordinates(of: (0..<(rows.count / dimension)).map { row in
            rows[(row * dimension)..<((row + 1) * dimension)].map(Double.init)
        })
    }
}

/// Why a principal component analysis could not be fitted.
public enum PrincipalComponentsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No points were given.
    case noPoints
    /// The dimension of the points is below 1.
    case invalidDimension(Int)
    /// The flat value array is not a whole number of points.
    case valueCountMismatch(valueCount: Int, dimension: Int)
    /// A row has a different number of coordinates from the first.
    case rowLengthMismatch(row: Int, expected: Int, found: Int)
    /// A coordinate is NaN or infinite (a diverged encoder, typically).
    case nonFiniteValue(row: Int, column: Int)
    /// The number of components asked for is outside 1...D.
    case invalidComponentCount(requested: Int, dimension: Int)

    public var description: String {
        switch self {
        case .noPoints:
            return "Principal component analysis needs at least one point, but none were given."
        case .invalidDimension(let dimension):
            return "Principal component analysis needs points of dimension at least 1, got \(dimension)."
        case .valueCountMismatch(let count, let dimension):
            return "\(count) values are not a whole number of points of dimension \(dimension)."
        case .rowLengthMismatch(let row, let expected, let found):
            return "Point \(row) has \(found) coordinates, but the first point has \(expected)."
        case .nonFiniteValue(let row, let column):
            return "Coordinate \(column) of point \(row) is not a finite number."
        case .invalidComponentCount(let requested, let dimension):
            return "Cannot keep \(requested) principal components of \(dimension)-dimensional points "
                + "(choose 1 to \(dimension))."
        }
    }
}
