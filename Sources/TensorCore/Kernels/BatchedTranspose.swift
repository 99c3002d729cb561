/// Permutations that are transposes of matrices in a batch: (outer, P, Q) → (outer, Q, P).
///
/// Moving the channel axis of an image batch to the end, (N, C, H, W) → (N, H, W, C), and back
/// are such permutations, with P = C and Q = H·W. Copied element by element in the result's order,
/// every read lands Q floats after the last one, a cache line per float once Q is large. Copied
/// in tiles of 32×32, each tile's rows and columns stay in cache between their reads and writes.
enum BatchedTranspose {
    /// The tile's side: 32 × 32 floats are 4 KiB read and 4 KiB written.
    static let tile = 32

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
        let tilesP = (p + tile - 1) / tile, tilesQ = (q + tile - 1) / tile
        let tiles = outer * tilesP * tilesQ
        nonisolated(unsafe) let (source, target) = (source, target)
        ComputeThreads.forEachChunk(tiles, minimumPerChunk: max(1, ComputeThreads.parallelThreshold / (tile * tile))) { range in
            for index in range {
                let o = index / (tilesP * tilesQ), pTile = (index / tilesQ) % tilesP, qTile = index % tilesQ
                let matrix = o * p * q
                let pRange = pTile * tile ..< min(p, (pTile + 1) * tile)
                let qRange = qTile * tile ..< min(q, (qTile + 1) * tile)
                for row in qRange {
                    let out = target + matrix + row * p
                    for column in pRange { out[column] = source[matrix + column * q + row] }
                }
            }
        }
    }
}
