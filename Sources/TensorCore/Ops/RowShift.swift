/// Shifting image rows down, as the Diagonal BiLSTM shifts its right-to-left direction so that the
/// output at row i sees rows above i only.

extension Tensor {
    /// The rows of every map moved down by `rows`: out[:, :, i, :] = self[:, :, i − rows, :], and
    /// zero in the first `rows` rows (the last `rows` rows of `self` fall off).
    ///
    /// - Parameter self: [N, C, H, W].
    /// - Returns: [N, C, H, W].
    public func shiftedDown(rows: Int = 1) -> Tensor {
        precondition(rank == 4, "shiftedDown: input \(shape) must be [N, C, H, W]")
        precondition(rows >= 0, "shiftedDown: cannot shift by \(rows) rows")
        let (maps, height, width) = (shape[0] * shape[1], shape[2], shape[3])
        let kept = Swift.max(0, height - rows) * width, dropped = Swift.min(rows, height) * width
        let result = Tensor(shape: shape) { out in
            let target = out.baseAddress!, source = storage.pointer
            for map in 0..<maps {
                (target + map * height * width).update(repeating: 0, count: dropped)
                (target + map * height * width + dropped).update(from: source + map * height * width, count: kept)
            }
        }
        return result.recorded(from: [self]) { context in
            // The adjoint moves gradients back up; the rows that fell off get zero.
            let upstream = context.upstream.storage.pointer
            return [Tensor(shape: context.upstream.shape) { out in
                let target = out.baseAddress!
                for map in 0..<maps {
                    (target + map * height * width).update(from: upstream + map * height * width + dropped, count: kept)
                    (target + map * height * width + kept).update(repeating: 0, count: dropped)
                }
            }]
        }
    }
}
