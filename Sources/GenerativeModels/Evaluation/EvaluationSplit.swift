import TensorCore

/// How the processes of a data parallel job share an evaluation: every evaluation batch is split
/// by rows as a training batch is (``ProcessGroup/share(ofBatch:)``), and each process's draws are
/// its rows of the whole batch's draws (``BatchShard/current``), so the processes together compute
/// exactly the figures of one process, to the order of the final sums. The caller sums what each
/// process returns for its rows.
///
/// Set it (`EvaluationSplit.$current.withValue(…)`) around an evaluation; ``RowBatches`` reads it.
public struct EvaluationSplit: Sendable {
    /// This process's rank and the number of processes.
    public let rank: Int
    public let size: Int

    public init(rank: Int, size: Int) {
        precondition(rank >= 0 && rank < size, "EvaluationSplit: rank \(rank) of \(size)")
        (self.rank, self.size) = (rank, size)
    }

    /// The split of the evaluation running on this thread; nil when one process evaluates alone.
    @TaskLocal public static var current: EvaluationSplit?

    /// Rows 0 ..< count in batches of at most `batchSize`, as one process takes them, except that a
    /// last batch smaller than the group joins the one before (so that every process has rows of
    /// every batch; its draws then differ from one process's).
    func batches(count: Int, batchSize: Int) -> [Range<Int>] {
        var batches = stride(from: 0, to: count, by: batchSize).map { $0..<Swift.min($0 + batchSize, count) }
        if batches.count > 1, let last = batches.last, last.count < size {
            batches.removeLast()
            batches[batches.count - 1] = batches[batches.count - 1].lowerBound..<last.upperBound
        }
        return batches
    }

    /// This process's rows of the batch `rows`, and its shard of the batch's draws.
    func share(of rows: Range<Int>) -> (rows: Range<Int>, shard: BatchShard) {
        let shard = BatchShard.share(ofBatch: rows.count, rank: rank, processes: size)
        return ((rows.lowerBound + shard.firstRow)..<(rows.lowerBound + shard.firstRow + shard.rows), shard)
    }
}
