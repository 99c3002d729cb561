/// Moves tensors between the layout [N, X] (a batch of N tensors of X values each, as [N, C, H, W]
/// stores them) and the batch-last layout [X, N], in which the N values of one channel at one
/// pixel are contiguous: what PixelRNN's recurrences step through, since every step of them covers
/// whole rows or diagonals of all N images at once.
enum BatchLastLayout {
    /// Floats of X moved per tile: a tile of N·tile floats stays in L1 while it is transposed.
    private static let tile = 64

    /// destination[x·N + n] = source[n·rowStride + x] for x < X (`rowStride` X by default: the
    /// batch's tensors stored one after another; larger for a slice of each).
    static func toBatchLast(_ source: UnsafePointer<Float>, batch: Int, values: Int, rowStride: Int? = nil,
                            into destination: UnsafeMutablePointer<Float>) {
        for start in stride(from: 0, to: values, by: tile) {
            let end = Swift.min(start + tile, values)
            for n in 0..<batch {
                let row = source + n * (rowStride ?? values)
                for x in start..<end { destination[x * batch + n] = row[x] }
            }
        }
    }

    /// destination[n·rowStride + x] = source[x·N + n], the inverse of ``toBatchLast(_:batch:values:rowStride:into:)``.
    static func toBatchFirst(_ source: UnsafePointer<Float>, batch: Int, values: Int, rowStride: Int? = nil,
                             into destination: UnsafeMutablePointer<Float>) {
        for start in stride(from: 0, to: values, by: tile) {
            let end = Swift.min(start + tile, values)
            for n in 0..<batch {
                let row = destination + n * (rowStride ?? values)
                for x in start..<end { row[x] = source[x * batch + n] }
            }
        }
    }
}
