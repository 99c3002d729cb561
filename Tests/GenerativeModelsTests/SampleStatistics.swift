/// Means and standard errors of Monte Carlo draws, in Double, for tolerances that follow from the
/// sampling error instead of being guessed.
struct SampleStatistics {
    let count: Int
    let mean: Double
    /// The unbiased sample variance.
    let variance: Double

    init<Values: Collection>(_ values: Values) where Values.Element: BinaryFloatingPoint {
        precondition(values.count > 1, "SampleStatistics needs at least two values")
        count = values.count
        let doubles = values.map { Double($0) }
        let mean = doubles.reduce(0, +) / Double(count)
        self.mean = mean
        variance = doubles.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
    }

    /// Statistics of the paired differences a[i] − b[i].
    static func ofDifferences(_ a: [Double], _ b: [Double]) -> SampleStatistics {
        precondition(a.count == b.count, "paired samples differ in length")
        return SampleStatistics(zip(a, b).map { $0 - $1 })
    }

    var standardDeviation: Double { variance.squareRoot() }
    /// The standard error of the mean, σ/√n.
    var standardError: Double { (variance / Double(count)).squareRoot() }
}
