import TensorCore
import XCTest

/// Several processes that share a batch draw, together, exactly what one process draws for the
/// whole batch, and their streams move alike.
final class BatchShardTests: XCTestCase {
    /// Row lengths that are and are not whole Philox blocks (4 values), and splits with rows of
    /// every size, including a process without rows' neighbours and odd offsets.
    func testShardsTogetherDrawTheWholeBatch() {
        for rowLength in [1, 3, 4, 7, 20, 784] {
            for (batchRows, processes) in [(5, 2), (128, 2), (7, 3), (16, 5), (3, 3)] {
                for normal in [false, true] {
                    var whole = RandomGenerator(seed: 42, counter: 9)
                    let expected = draw(&whole, count: batchRows * rowLength, normal: normal)
                    var pieces: [Float] = []
                    for rank in 0..<processes {
                        let first = rank * batchRows / processes, end = (rank + 1) * batchRows / processes
                        guard end > first else { continue }
                        var generator = RandomGenerator(seed: 42, counter: 9)
                        generator.shard = BatchShard(batchRows: batchRows, firstRow: first, rows: end - first)
                        pieces += draw(&generator, count: (end - first) * rowLength, normal: normal)
                        XCTAssertEqual(generator.counter, whole.counter, "rank \(rank) of \(processes), rows of \(rowLength)")
                    }
                    XCTAssertEqual(pieces, expected, "\(processes) processes, \(batchRows) rows of \(rowLength), normal \(normal)")
                }
            }
        }
    }

    /// The draws after a sharded one continue the stream as after the whole batch's draw.
    func testLaterDrawsContinueAsAfterTheWholeBatch() {
        var whole = RandomGenerator(seed: 7)
        _ = draw(&whole, count: 10 * 3, normal: true)
        var shard = RandomGenerator(seed: 7)
        shard.shard = BatchShard(batchRows: 10, firstRow: 6, rows: 4)
        _ = draw(&shard, count: 4 * 3, normal: true)
        shard.shard = nil
        XCTAssertEqual(draw(&shard, count: 9, normal: false), draw(&whole, count: 9, normal: false))
    }

    /// A parallel fill gives the same shard values as a serial one.
    func testShardDrawsDoNotDependOnThreadCount() {
        let rows = 64, rowLength = 10_007
        var values: [[Float]] = []
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            var generator = RandomGenerator(seed: 3)
            generator.shard = BatchShard(batchRows: rows, firstRow: 31, rows: 33)
            values.append(draw(&generator, count: 33 * rowLength, normal: true))
        }
        ComputeThreads.set(1)
        XCTAssertEqual(values[0], values[1])
    }

    private func draw(_ generator: inout RandomGenerator, count: Int, normal: Bool) -> [Float] {
        var values = [Float](repeating: .nan, count: count)
        values.withUnsafeMutableBufferPointer { buffer in
            if normal { generator.fillNormal(buffer) } else { generator.fillUniform(buffer) }
        }
        return values
    }
}
