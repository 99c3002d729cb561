import Foundation
import TensorCore

/// A path between two latent codes, for homotopies (Bowman et al., section 5.2): the decoded
/// points show how sentences change as z moves.
public enum LatentPath: String, Sendable, CaseIterable {
    /// z(t) = (1 − t)·a + t·b.
    case linear
    /// Spherical interpolation along the great circle through a and b, with the norm interpolated
    /// linearly: under a Gaussian prior a straight line passes through the low-norm middle, which
    /// typical codes never visit; the arc stays at typical norms.
    case spherical

    /// `steps` ≥ 2 points from a to b (both included), as [steps, D].
    ///
    /// - Parameters:
    ///   - a: [D] or [1, D].
    ///   - b: the same shape.
    public func points(from a: Tensor, to b: Tensor, steps: Int) -> Tensor {
        precondition(steps >= 2, "LatentPath: a path needs at least 2 steps, got \(steps)")
        precondition(a.elementCount == b.elementCount, "LatentPath: codes of \(a.shape) and \(b.shape) differ")
        let start = a.scalars.map(Double.init), end = b.scalars.map(Double.init)
        let dimensions = start.count
        var values: [Float] = []
        values.reserveCapacity(steps * dimensions)
        for step in 0..<steps {
            let t = Double(step) / Double(steps - 1)
            values += point(start, end, t).map(Float.init)
        }
        return Tensor(shape: [steps, dimensions], scalars: values)
    }

    private func point(_ a: [Double], _ b: [Double], _ t: Double) -> [Double] {
        let straight = zip(a, b).map { (1 - t) * $0 + t * $1 }
        guard self == .spherical else { return straight }
        let normA = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), normB = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard normA > 0, normB > 0 else { return straight }
        let cosine = Swift.max(-1, Swift.min(1, zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (normA * normB)))
        let angle = Foundation.acos(cosine)
        // Nearly parallel codes: the arc is the line.
        guard Foundation.sin(angle) > 1e-6 else { return straight }
        let weightA = Foundation.sin((1 - t) * angle) / Foundation.sin(angle), weightB = Foundation.sin(t * angle) / Foundation.sin(angle)
        let norm = (1 - t) * normA + t * normB
        let direction = zip(a, b).map { weightA * $0 / normA + weightB * $1 / normB }
        let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return direction.map { norm * $0 / Swift.max(length, 1e-12) }
    }
}
