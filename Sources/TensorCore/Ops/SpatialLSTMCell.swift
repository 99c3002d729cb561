/// The LSTM cell of PixelRNN's spatial layers (the Row LSTM and the Diagonal BiLSTM), over a block
/// of positions at once, with its gradient.
///
/// Gates come in the paper's order o, f, i, g (eq. 3 of van den Oord et al. 2016, and the shared
/// reference): o, f, i = σ(·), g = tanh(·); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
/// Buffers are channel-major (``ChannelRows``): channel k's values at the block's `count` positions
/// are contiguous (gate k·U + j of state channel j), so the loops run along positions and vectorize.
///
/// State channels are independent of one another, so a large block is split by channel across the
/// engine's threads: the same arithmetic per cell, so the same bits on any number of threads.
enum SpatialLSTMCell {
    /// Cells below which a step stays on one thread: a split costs a few microseconds, and a cell
    /// about a nanosecond or two at AVX-512 width.
    private static let cellsPerThread = 8192

    /// Runs `body` over ranges of state channels, one per thread when the step is large enough.
    @inline(__always)
    private static func forEachChannelRange(units: Int, count: Int, _ body: (Range<Int>) -> Void) {
        ComputeThreads.forEachChunk(units, minimumPerChunk: Swift.max(1, cellsPerThread / Swift.max(count, 1)), body)
    }

    /// One step of `count` positions' cells.
    ///
    /// - Parameters:
    ///   - gates: 4U rows: on entry the pre-activations, on return the activations o, f, i, g
    ///     (what the gradient needs).
    ///   - previousCell: U rows, c_prev.
    ///   - cellTanh, cell, hidden: U rows each, receive tanh(c), c and h.
    static func forward(units: Int, count: Int, gates: ChannelRows, previousCell: ChannelRows,
                        cellTanh: ChannelRows, cell: ChannelRows, hidden: ChannelRows) {
        // One loop per function, each over contiguous positions, the transcendental ones by
        // ``VectorKernels`` at the CPU's vector width: a single loop with five transcendentals and
        // eight streams stayed scalar (60 ns per cell).
        forEachChannelRange(units: units, count: count) { channels in
            for j in channels {
                let o = gates[j], f = gates[units + j], i = gates[2 * units + j], g = gates[3 * units + j]
                let previous = previousCell[j], t = cellTanh[j], c = cell[j], h = hidden[j]
                VectorKernels.sigmoidInPlace(o, count: count)
                VectorKernels.sigmoidInPlace(f, count: count)
                VectorKernels.sigmoidInPlace(i, count: count)
                VectorKernels.tanhInPlace(g, count: count)
                for p in 0..<count { c[p] = f[p] * previous[p] + i[p] * g[p] }
                VectorKernels.tanh(c, t, count)
                for p in 0..<count { h[p] = o[p] * t[p] }
            }
        }
    }

    /// The gradient of one step of `count` positions' cells.
    ///
    /// - Parameters:
    ///   - hiddenGradient: U rows, ∂L/∂h of this step (from its output and from later steps).
    ///   - cellGradient: U rows, on entry ∂L/∂c from later steps; on return ∂L/∂c_prev.
    ///   - activations, cellTanh, previousCell: what ``forward`` left and used.
    ///   - gateGradients: 4U rows, receive ∂L/∂pre-activations.
    static func backward(units: Int, count: Int, hiddenGradient: ChannelRows, cellGradient: ChannelRows,
                         activations: ChannelRows, cellTanh: ChannelRows, previousCell: ChannelRows, gateGradients: ChannelRows) {
        forEachChannelRange(units: units, count: count) { channels in
            for j in channels {
                let o = activations[j], f = activations[units + j], i = activations[2 * units + j], g = activations[3 * units + j]
                let dO = gateGradients[j], dF = gateGradients[units + j], dI = gateGradients[2 * units + j], dG = gateGradients[3 * units + j]
                let t = cellTanh[j], previous = previousCell[j], dh = hiddenGradient[j], dc = cellGradient[j]
                for p in 0..<count {
                    let dcTotal = dc[p] + dh[p] * o[p] * (1 - t[p] * t[p])
                    dO[p] = dh[p] * t[p] * o[p] * (1 - o[p])
                    dF[p] = dcTotal * previous[p] * f[p] * (1 - f[p])
                    dI[p] = dcTotal * g[p] * i[p] * (1 - i[p])
                    dG[p] = dcTotal * i[p] * (1 - g[p] * g[p])
                    dc[p] = dcTotal * f[p]
                }
            }
        }
    }
}

/// Channel rows of a channel-major buffer: channel k's values start at `base + k·stride`, and
/// the positions of a step are contiguous from there.
struct ChannelRows {
    let base: UnsafeMutablePointer<Float>
    let stride: Int

    @inline(__always)
    subscript(channel: Int) -> UnsafeMutablePointer<Float> { base + channel * stride }

    /// The same rows from `positions` positions further along.
    @inline(__always)
    func advanced(by positions: Int) -> ChannelRows { ChannelRows(base: base + positions, stride: stride) }
}

extension Tensor {
    /// One step of the spatial LSTM cell for a column of N positions, without gradients: what
    /// PixelRNN's samplers compute one pixel at a time, with the same arithmetic as the fused
    /// recurrences.
    ///
    /// - Parameters:
    ///   - gates: [4U, N], pre-activations in the order o, f, i, g (rows k·U ..< (k+1)·U gate k).
    ///   - previousCell: [U, N].
    /// - Returns: h and c, each [U, N].
    public static func spatialLSTMCell(gates: Tensor, previousCell: Tensor) -> (hidden: Tensor, cell: Tensor) {
        let (units, count) = (previousCell.shape[0], previousCell.shape[1])
        precondition(previousCell.rank == 2 && gates.shape == [4 * units, count],
                     "spatialLSTMCell: gates \(gates.shape) must be [4U, N] for a cell of \(previousCell.shape)")
        let activations = Tensor(shape: gates.shape) { $0.baseAddress!.update(from: gates.storage.pointer, count: gates.elementCount) }
        let cell = Tensor(shape: previousCell.shape) { _ in }, cellTanh = Tensor(shape: previousCell.shape) { _ in }
        let hidden = Tensor(shape: previousCell.shape) { out in
            let rows = { (pointer: UnsafeMutablePointer<Float>) in ChannelRows(base: pointer, stride: count) }
            SpatialLSTMCell.forward(units: units, count: count, gates: rows(activations.storage.pointer),
                                    previousCell: rows(previousCell.storage.pointer), cellTanh: rows(cellTanh.storage.pointer),
                                    cell: rows(cell.storage.pointer), hidden: rows(out.baseAddress!))
        }
        return (hidden, cell)
    }
}
