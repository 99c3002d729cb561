import CKernels

/// Moves tensors between the layout [N, X] (a batch of N tensors of X values each, as [N, C, H, W]
/// stores them) and the batch-last layout [X, N], in which the N values of one channel at one
/// pixel are contiguous: what PixelRNN's recurrences step through, since every step of them covers
/// whole rows or diagonals of all N images at once.
///
/// Both moves are transposes of an N × X matrix, by the transpose kernel (`latent_transpose`,
/// Sources/CKernels), in pieces of X split across threads.
enum BatchLastLayout {
    /// Values of X per piece handed to a thread: a multiple of the kernel's tile of 16.
    private static let piece = 256

    /// destination[x·N + n] = source[n·rowStride + x] for x < X (`rowStride` X by default: the
    /// batch's tensors stored one after another; larger for a slice of each).
    static func toBatchLast(_ source: UnsafePointer<Float>, batch: Int, values: Int, rowStride: Int? = nil,
                            into destination: UnsafeMutablePointer<Float>) {
        let stride = rowStride ?? values
        forEachPiece(values: values, batch: batch) { first, count in
            latent_transpose(source + first, stride, destination + first * batch, batch, batch, count)
        }
    }

    /// destination[n·rowStride + x] = source[x·N + n], the inverse of ``toBatchLast(_:batch:values:rowStride:into:)``.
    static func toBatchFirst(_ source: UnsafePointer<Float>, batch: Int, values: Int, rowStride: Int? = nil,
                             into destination: UnsafeMutablePointer<Float>) {
        let stride = rowStride ?? values
        forEachPiece(values: values, batch: batch) { first, count in
            latent_transpose(source + first * batch, batch, destination + first, stride, count, batch)
        }
    }

    /// Runs `body(first, count)` for consecutive pieces of X, split across threads when the move is
    /// large: each piece writes its own part of the destination.
    private static func forEachPiece(values: Int, batch: Int, _ body: (Int, Int) -> Void) {
        let pieces = (values + piece - 1) / piece
        ComputeThreads.forEachChunk(pieces, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / (piece * Swift.max(batch, 1)))) { range in
            for index in range { body(index * piece, Swift.min(piece, values - index * piece)) }
        }
    }
}
