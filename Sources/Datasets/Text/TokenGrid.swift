import TensorCore

/// Token ids laid out as a padded [rows, columns] grid: one row per sentence, one column per
/// position.
///
/// Kept as integers, because that is what an embedding lookup and a cross-entropy take, with
/// views in the two layouts a model needs: `tensor` for the batch-major picture (ids as Float32,
/// exact below 2²⁴, the only element type of `Tensor`), and `timeMajor` / `column(_:)` for an LSTM,
/// which consumes one step of every sentence at a time.
public struct TokenGrid: Sendable, Equatable {
    /// Sentences in the batch, N.
    public let rows: Int
    /// Positions, T or T + 1.
    public let columns: Int
    /// Row-major: the id at (row r, column c) is `ids[r * columns + c]`.
    public let ids: [Int]

    public init(rows: Int, columns: Int, ids: [Int]) {
        precondition(rows >= 0 && columns >= 0 && ids.count == rows * columns,
                     "TokenGrid: \(ids.count) ids do not fill \(rows) rows × \(columns) columns")
        self.rows = rows
        self.columns = columns
        self.ids = ids
    }

    /// The id at `row`, `column`.
    public subscript(row: Int, column: Int) -> Int { ids[row * columns + column] }

    /// [rows, columns], the ids as Float32 values.
    public var tensor: Tensor {
        Tensor(shape: [rows, columns], scalars: ids.map(Float.init))
    }

    /// All ids column by column: position 0 of every row, then position 1, …; length
    /// rows · columns. One embedding lookup of this, sliced into `columns` blocks of `rows`, feeds
    /// an LSTM all its steps.
    public var timeMajor: [Int] {
        var result: [Int] = []
        result.reserveCapacity(ids.count)
        for column in 0..<columns {
            for row in 0..<rows { result.append(ids[row * columns + column]) }
        }
        return result
    }

    /// Position `column` of every row: one LSTM step's tokens.
    public func column(_ column: Int) -> [Int] {
        precondition(column >= 0 && column < columns, "TokenGrid: column \(column) is outside 0..<\(columns)")
        return (0..<rows).map { ids[$0 * columns + column] }
    }

    /// The ids of one row, padding included.
    public func row(_ row: Int) -> ArraySlice<Int> {
        precondition(row >= 0 && row < rows, "TokenGrid: row \(row) is outside 0..<\(rows)")
        return ids[(row * columns)..<((row + 1) * columns)]
    }
}
