import CKernels

/// Permutations that are transposes of matrices in a batch: (outer, P, Q) → (outer, Q, P).
///
/// Moving the channel axis of an image batch to the end, (N, C, H, W) → (N, H, W, C), and back
/// are such permutations, with P = C and Q = H·W. Copied element by element in the result's order,
/// every read lands Q floats after the last one, a cache line per float once Q is large. The
/// transpose kernel (`latent_transpose`, Sources/CKernels) copies in tiles of 16 × 16, through
/// registers on AVX-512, so each tile's rows and columns stay in cache between reads and writes.
enum BatchedTranspose {
    /// Columns of the source per piece handed to a thread: a multiple of the kernel's tile.
    static let piece = 64

    /// The view of a permutation of `dimensions` as a batched transpose: `axes` keeps the first
    /// axes, then moves a block of trailing axes in front of the block before it. nil when `axes`
    /// is not of that form or moves nothing.
    static func view(of dimensions: [Int], axes: [Int]) -> (outer: Int, p: Int, q: Int)? {
        let rank = dimensions.count
        guard let kept = axes.indices.first(where: { axes[$0] != $0 }) else { return nil }
        // axes = [0 ..< kept] + [split ..< rank] + [kept ..< split]
        let split = axes[kept]
        guard split > kept, split < rank,
              Array(axes[kept ..< kept + rank - split]) == Array(split ..< rank),
              Array(axes[(kept + rank - split)...]) == Array(kept ..< split) else { return nil }
        let product = { (range: Range<Int>) in dimensions[range].reduce(1, *) }
        return (product(0 ..< kept), product(kept ..< split), product(split ..< rank))
    }

    /// target[o][q][p] = source[o][p][q] for every o < outer, p < P, q < Q.
    static func copy(_ source: UnsafePointer<Float>, outer: Int, p: Int, q: Int, into target: UnsafeMutablePointer<Float>) {
        // Pieces of Q columns of every matrix, split across threads; each writes its own rows of
        // the target.
        let piecesPerMatrix = (q + piece - 1) / piece
        nonisolated(unsafe) let (source, target) = (source, target)
        ComputeThreads.forEachChunk(outer * piecesPerMatrix,
                                    minimumPerChunk: max(1, ComputeThreads.parallelThreshold / (piece * max(p, 1)))) { range in
            for index in range {
                let matrix = (index / piecesPerMatrix) * p * q, first = (index % piecesPerMatrix) * piece
                latent_transpose(source + matrix + first, q, target + matrix + first * p, p, p, min(piece, q - first))
            }
        }
    }
}
