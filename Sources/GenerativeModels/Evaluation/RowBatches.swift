import TensorCore

/// Walking a data set [N, D] in consecutive row blocks, so that evaluation never holds more than one
/// block's activations at a time.
enum RowBatches {
    /// Calls `body(rows, batch)` for rows `0 ..< N` in blocks of at most `size`, in order; `batch` is
    /// the [rows.count, D] slice of `data`.
    ///
    /// Within an ``EvaluationSplit`` it calls `body` with this process's rows of each batch only, and
    /// with their share of the batch's draws.
    static func forEach(of data: Tensor, size: Int, _ body: (_ rows: Range<Int>, _ batch: Tensor) -> Void) {
        precondition(size > 0, "batch size must be positive, got \(size)")
        let count = data.shape[0]
        if let split = EvaluationSplit.current, split.size > 1 {
            for batch in split.batches(count: count, batchSize: size) {
                let (rows, shard) = split.share(of: batch)
                guard !rows.isEmpty else { continue }   // only when the whole set has fewer rows than processes
                BatchShard.$current.withValue(shard) { body(rows, data.slice(axis: 0, rows)) }
            }
            return
        }
        var start = 0
        while start < count {
            let rows = start ..< Swift.min(start + size, count)
            body(rows, data.slice(axis: 0, rows))
            start = rows.upperBound
        }
    }

    /// Checks that `data` is a non-empty [N, dataDimension] matrix, naming the caller otherwise.
    static func validate(_ data: Tensor, dataDimension: Int, caller: String) {
        precondition(data.rank == 2 && data.shape[1] == dataDimension,
                     "\(caller): data \(data.shape) does not match data dimension \(dataDimension)")
        precondition(data.shape[0] > 0, "\(caller): the data set is empty")
    }
}
