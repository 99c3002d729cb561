/// How a GEMM on oneDNN is cut into blocks for the engine's threads: by its shape alone.
///
/// oneDNN's kernels compute a block of C with other bits than the same elements inside the whole
/// product, since their blocking and code paths depend on the whole shape (measured on its AVX2
/// SGEMM, 2.6.3: of the cuts of C's rows at every row, only scattered ones keep the bits, and for
/// some shapes none). Letting oneDNN thread a GEMM itself does not help: on two OpenMP threads it
/// splits the sum over k for narrow products and changes their bits too. So the blocks depend on
/// the shape and never on the thread count: one thread or eight compute the same blocks, each on a
/// single oneDNN thread, and training gives the same bits on any number of threads.
struct GEMMBlock: Equatable {
    /// The block's rows and columns of C.
    let rows: Range<Int>, columns: Range<Int>
}

enum GEMMBlocks {
    /// Multiply-adds below which a block is not worth a thread of its own (about 90 µs of work).
    static let minimumBlockVolume = 1 << 22
    /// Rows or columns below which a block loses more to repacking the other operand than its
    /// thread gains (measured on one thread: a 128×400×784 product cut into blocks of 64 rows ran
    /// at 0.97× the whole's rate, of 32 rows at 0.89×, of 16 at 0.75×).
    static let minimumBlockSide = 128
    /// At most this many blocks: a power of two, so they share out evenly over 1, 2, 4 or 8 threads.
    static let maximumBlocks = 8

    /// C cut along its longer side into a power of two of equal blocks, as many as the volume and
    /// the side allow, at most ``maximumBlocks``.
    static func blocks(m: Int, n: Int, k: Int) -> [GEMMBlock] {
        let cutRows = m >= n
        let side = cutRows ? m : n
        let limit = min(maximumBlocks, m * n * k / minimumBlockVolume, side / minimumBlockSide)
        var parts = 1
        while parts * 2 <= limit { parts *= 2 }
        return (0..<parts).map { part in
            let cut = (side * part / parts)..<(side * (part + 1) / parts)
            return cutRows ? GEMMBlock(rows: cut, columns: 0..<n) : GEMMBlock(rows: 0..<m, columns: cut)
        }
    }
}
