/// Where a GEMM may be cut into blocks that each give exactly the bits the whole GEMM would.
///
/// OpenBLAS computes a row-major C = op(A)·op(B) as the column-major Cᵀ, so C's columns are its
/// kernel's M dimension and C's rows its N dimension. Measured on Debian's OpenBLAS 0.3.21 (the
/// check is `SplitGEMMTests`, run under every kernel set in ``BLASRuntime/kernelSets``):
/// - C's columns: the Haswell and Zen kernels compute the last 8–15 columns of a product with
///   other bits than the same columns inside a wider product, so no block of columns short of the
///   whole matches it. C's columns are never cut.
/// - C's rows: each tile of N-unroll rows is computed on its own, so a cut at a multiple of the
///   unroll (``BLASRuntime/rowGranule``) leaves every element's tile and summation order as it was.
/// - Small products take other code paths with other summation orders: the small-matrix kernels
///   of SkylakeX and Cooperlake (m·n·k ≤ 10⁶). Every block stays above that bound, so blocks and
///   whole take the same path. (The direct SGEMM that OpenBLAS's sources have for AVX-512 CPUs,
///   NoTrans·NoTrans with α = 1 and β = 0 below m·n·k = 28·512², showed no such difference in
///   Debian's build; the check covers shapes around its bound.)
enum GEMMSplit {
    /// Each block does at least this much (m·n·k): above the small-matrix kernels' 10⁶, and the
    /// work below which splitting costs more than it saves (a few microseconds).
    static let minimumBlockVolume = 1 << 20

    /// The blocks of C's rows that `parts` threads compute, each a multiple of `granule` rows
    /// except the last; a single block when no cut keeps every block above its minimum volume.
    static func rowBlocks(_ layout: GEMMLayout, parts: Int, granule: Int?) -> [Range<Int>] {
        let whole = [0..<layout.m]
        guard let granule, parts > 1 else { return whole }
        let rowVolume = layout.n * layout.k
        for count in stride(from: parts, through: 2, by: -1) {
            // Cuts at the multiples of the granule nearest to an even share of the rows.
            var cuts = [0]
            for block in 1..<count {
                let even = Double(layout.m * block) / Double(count) / Double(granule)
                cuts.append(Int(even.rounded()) * granule)
            }
            cuts.append(layout.m)
            let blocks = zip(cuts, cuts.dropFirst()).map { $0..<$1 }
            if blocks.allSatisfy({ !$0.isEmpty && $0.count * rowVolume >= minimumBlockVolume }) { return blocks }
        }
        return whole
    }
}
