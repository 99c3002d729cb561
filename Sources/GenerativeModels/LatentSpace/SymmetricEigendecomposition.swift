/// The eigenvalues and orthonormal eigenvectors of a real symmetric matrix, by the cyclic Jacobi
/// method (Golub & Van Loan, *Matrix Computations*, §8.5).
///
/// Jacobi is slower than tridiagonalization + QR (about 10 sweeps of O(n³) each), but it is short,
/// needs no pivoting decisions, and is accurate for every symmetric input, repeated eigenvalues
/// included. For the covariance matrices of latent codes (n up to a few hundred) it takes
/// milliseconds in a release build.
struct SymmetricEigendecomposition: Sendable {
    /// The eigenvalues, largest first; equal values keep the order of their diagonal positions.
    let values: [Double]
    /// `vectors[k]` is a unit eigenvector for `values[k]`; together they are orthonormal. Each
    /// vector's sign is whatever the rotations produced; callers that need a convention apply it.
    let vectors: [[Double]]

    /// The most sweeps tried. Cyclic Jacobi converges quadratically, so real inputs finish in
    /// well under 20; the cap only guards against a loop that rounding keeps alive.
    static let maximumSweeps = 60

    /// Decomposes the `dimension × dimension` symmetric matrix stored row-major in `matrix`.
    /// Only the upper triangle is read; the lower one is assumed to mirror it.
    init(symmetric matrix: [Double], dimension n: Int) {
        precondition(n >= 1 && matrix.count == n * n,
                     "SymmetricEigendecomposition: \(matrix.count) values are not a \(n)×\(n) matrix")
        var a = matrix
        for row in 0..<n {
            for column in 0..<row { a[row * n + column] = a[column * n + row] }
        }
        // v starts as the identity and accumulates the rotations; its columns become eigenvectors.
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }

        // Off-diagonal entries below this are left alone: rotating them away would change the
        // eigenvalues by less than rounding already does (the change is of order entry²/gap).
        let norm = a.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let negligible = Double.ulpOfOne * norm

        if norm > 0 {
            for _ in 0..<Self.maximumSweeps {
                var rotated = false
                for p in 0..<(n - 1) {
                    for q in (p + 1)..<n where abs(a[p * n + q]) > negligible {
                        Self.rotate(&a, &v, n: n, p: p, q: q)
                        rotated = true
                    }
                }
                if !rotated { break }
            }
        }

        // Stable sort by decreasing eigenvalue, so ties come out in diagonal order every time.
        let order = (0..<n).sorted { i, j in
            let (x, y) = (a[i * n + i], a[j * n + j])
            return x != y ? x > y : i < j
        }
        values = order.map { a[$0 * n + $0] }
        vectors = order.map { column in (0..<n).map { row in v[row * n + column] } }
    }

    /// Applies the rotation J in the (p, q) plane that zeroes a[p][q]: a ← Jᵀ a J, v ← v J.
    ///
    /// With θ = (a_qq − a_pp) / (2 a_pq), t = tan φ is the smaller root of t² + 2θt − 1 = 0, so
    /// |φ| ≤ π/4; the small angle is what makes the sweeps converge.
    private static func rotate(_ a: inout [Double], _ v: inout [Double], n: Int, p: Int, q: Int) {
        let apq = a[p * n + q]
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        // For a huge θ, θ² would overflow; t ≈ 1/(2θ) is then exact to rounding.
        let t = abs(theta) > 1e150
            ? 1 / (2 * theta)
            : (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c

        a[p * n + p] -= t * apq
        a[q * n + q] += t * apq
        a[p * n + q] = 0
        a[q * n + p] = 0
        for r in 0..<n where r != p && r != q {
            let arp = a[r * n + p], arq = a[r * n + q]
            let newRP = c * arp - s * arq
            let newRQ = s * arp + c * arq
            a[r * n + p] = newRP
            a[p * n + r] = newRP
            a[r * n + q] = newRQ
            a[q * n + r] = newRQ
        }
        for r in 0..<n {
            let vrp = v[r * n + p], vrq = v[r * n + q]
            v[r * n + p] = c * vrp - s * vrq
            v[r * n + q] = s * vrp + c * vrq
        }
    }
}
