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
}

extension BatchShard {
    /// The share of the batch being computed, for the draws of generators that have no ``RandomGenerator/shard``
    /// of their own: how an evaluation split across processes (which owns its generator deep inside)
    /// draws exactly what one process draws.
    @TaskLocal public static var current: BatchShard?
}
