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
    /// The same for blocks on dense operands (``DenseBlockGEMM``): oneDNN's brgemm kernels on
    /// AVX-512 lose nothing on narrower blocks (one thread of an Intel Xeon with AVX512_BF16:
    /// 64×400×784 at 130 GFLOP/s, 128×400×784 at 128).
    static let minimumDenseBlockSide = 64
    /// At most this many blocks: a power of two, so they share out evenly over 1, 2, 4 or 8 threads.
    static let maximumBlocks = 8

    /// C cut along its longer side, so that each block reads the least of the operand it shares
    /// with the others, into a power of two of equal blocks, as many as the volume and the side
    /// allow, at most ``maximumBlocks``.
    static func blocks(m: Int, n: Int, k: Int) -> [GEMMBlock] {
        let cutRows = m >= n
        let parts = parts(of: cutRows ? m : n, volume: m * n * k, shortest: minimumBlockSide)
        return blocks(m: m, n: n, cuttingRows: cutRows, into: parts)
    }

    /// The blocks of a GEMM that runs on dense operands (``DenseBlockGEMM``): C's rows wherever
    /// there are enough of them, its columns otherwise. A block of C's rows is dense where C is;
    /// a block of its columns is a window of C, computed apart and added in. Alternated on the MLP
    /// VAE's and the sentence LSTM's products (Intel Xeon, AVX512_BF16, 2 threads), rows beat
    /// the longer side (0.71 and 0.60 of oneDNN's own two-thread rate against 0.56 and 0.47) and a
    /// model of the values each cut moves (0.51, 0.56).
    static func denseBlocks(_ layout: GEMMLayout) -> [GEMMBlock] {
        let (m, n, k) = (layout.m, layout.n, layout.k)
        let rowParts = parts(of: m, volume: m * n * k, shortest: minimumDenseBlockSide)
        if rowParts > 1 { return blocks(m: m, n: n, cuttingRows: true, into: rowParts) }
        return blocks(m: m, n: n, cuttingRows: false, into: parts(of: n, volume: m * n * k, shortest: minimumDenseBlockSide))
    }

    /// The largest power of two of blocks, at most ``maximumBlocks``, that leaves each at least
    /// ``minimumBlockVolume`` multiply-adds and `shortest` along the cut `side`.
    private static func parts(of side: Int, volume: Int, shortest: Int) -> Int {
        let limit = min(maximumBlocks, volume / minimumBlockVolume, side / shortest)
        var parts = 1
        while parts * 2 <= limit { parts *= 2 }
        return parts
    }

    private static func blocks(m: Int, n: Int, cuttingRows: Bool, into parts: Int) -> [GEMMBlock] {
        let side = cuttingRows ? m : n
        return (0..<parts).map { part in
            let cut = (side * part / parts)..<(side * (part + 1) / parts)
            return cuttingRows ? GEMMBlock(rows: cut, columns: 0..<n) : GEMMBlock(rows: 0..<m, columns: cut)
        }
    }
}
