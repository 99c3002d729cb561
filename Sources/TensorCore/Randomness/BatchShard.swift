/// The rows of a batch one process draws for, when several processes share the batch.
///
/// Every per-example draw (the reparameterization noise, dynamic binarization, word dropout) fills
/// a buffer whose leading dimension is the batch. A process that holds rows
/// `firstRow ..< firstRow + rows` of a batch of `batchRows` computes exactly those rows of the draw
/// the whole batch would take, and moves its counter as far as the whole batch's draw, so N
/// processes together draw what one process draws alone.
public struct BatchShard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rows of the whole batch.
    public let batchRows: Int
    /// The first row this process holds.
    public let firstRow: Int
    /// The rows this process holds.
    public let rows: Int

    public init(batchRows: Int, firstRow: Int, rows: Int) {
        precondition(firstRow >= 0 && rows >= 0 && firstRow + rows <= batchRows, "BatchShard: rows \(firstRow)..<\(firstRow + rows) outside a batch of \(batchRows)")
        self.batchRows = batchRows
        self.firstRow = firstRow
        self.rows = rows
    }

    public var description: String { "rows \(firstRow)..<\(firstRow + rows) of \(batchRows)" }

    /// The rows of the batch this process holds.
    public var rowRange: Range<Int> { firstRow..<(firstRow + rows) }

    /// Process `rank`'s share of a batch of `count` rows split among `processes`: a fixed,
    /// contiguous split, rows ⌊r·count/P⌋ ..< ⌊(r+1)·count/P⌋, so every process knows every share.
    /// A batch smaller than the group leaves some processes without rows.
    public static func share(ofBatch count: Int, rank: Int, processes: Int) -> BatchShard {
        let first = rank * count / processes, end = (rank + 1) * count / processes
        return BatchShard(batchRows: count, firstRow: first, rows: end - first)
    }

    /// The rows to compute: these, or, for a process without rows, the batch's first row, computed
    /// and not counted, so that its streams move and its collectives run as the others' do.
    public var computedRows: BatchShard {
        rows > 0 ? self : BatchShard(batchRows: batchRows, firstRow: 0, rows: 1)
    }
}

extension BatchShard {
    /// The share of the batch being computed, for the draws of generators that have no ``RandomGenerator/shard``
    /// of their own: how an evaluation split across processes (which owns its generator deep inside)
    /// draws exactly what one process draws.
    @TaskLocal public static var current: BatchShard?
}
