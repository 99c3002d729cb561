/// The recurrence of PixelRNN's Row LSTM (van den Oord et al. 2016, section 3.1) as one op with one
/// VJP: the image's rows top to bottom, each row's state computed from the previous row's by a 1-D
/// convolution along the row.
///
/// Stepping rows as ordinary ops would record a dozen tape nodes per row and layer. Here the batch
/// is cut into groups of images (``RecurrenceRounds``), and each group's gates move once into the
/// batch-last layout [4U, H, W, N] (``BatchLastLayout``), where a row of the group's N images is
/// one contiguous block per channel: each row's state-to-state convolution is then one GEMM over
/// shifted copies of the previous row's state, the cell runs along contiguous positions, and the
/// group's weight gradient is one GEMM over all rows.

extension Tensor {
    /// The Row LSTM over the rows of `self`, the input-to-state gates of every pixel.
    ///
    /// Row r's gates are `self[:, :, r, :]` plus a convolution of the previous row's state along
    /// the row (kernel k, zero padding k/2, no bias, PyTorch's Conv1d); row −1's state is zero.
    /// Gates are in the order o, f, i, g (``SpatialLSTMCell``).
    ///
    /// - Parameters:
    ///   - self: [N, 4U, H, W], the input-to-state pre-activations of U state channels.
    ///   - stateWeight: [4U, U, k], odd k: the state-to-state convolution, Conv1d's layout.
    /// - Returns: h, [N, U, H, W]: h at (r, w) depends on the inputs of rows ≤ r only, and, through
    ///   each earlier row's convolution, on a triangle of columns around w.
    public func rowLSTMRecurrence(stateWeight: Tensor) -> Tensor {
        let gates = self
        precondition(gates.rank == 4 && gates.shape[1] % 4 == 0 && gates.shape[1] > 0,
                     "rowLSTMRecurrence: gates \(gates.shape) must be [N, 4U, H, W]")
        let (batch, height, width, units) = (gates.shape[0], gates.shape[2], gates.shape[3], gates.shape[1] / 4)
        precondition(stateWeight.rank == 3 && stateWeight.shape[0] == 4 * units && stateWeight.shape[1] == units
                        && stateWeight.shape[2] % 2 == 1,
                     "rowLSTMRecurrence: state weight \(stateWeight.shape) must be [4U, U, k] = [\(4 * units), \(units), odd k]")
        let rounds = RecurrenceRounds(batch: batch)
        let plans = rounds.images.map { RowLSTMPlan(batch: $0.count, height: height, width: width, units: units, kernel: stateWeight.shape[2]) }
        let states = plans.map(RowLSTMState.init)
        let (gateFloats, hiddenFloats) = (4 * units * height * width, units * height * width)
        let result = Tensor(shape: [batch, units, height, width]) { out in
            nonisolated(unsafe) let out = out.baseAddress!
            rounds.run { round, images in
                plans[round].forward(gates: gates.storage.pointer + images.lowerBound * gateFloats, weight: stateWeight.storage.pointer,
                                     state: states[round], output: out + images.lowerBound * hiddenFloats)
            }
        }
        return result.recorded(from: [gates, stateWeight]) { context in
            let gateGradients = Tensor(shape: gates.shape) { _ in }
            // Each group's weight gradient apart, added up in group order.
            let weightFloats = stateWeight.elementCount
            let partials = TensorStorage(count: rounds.images.count * weightFloats)
            nonisolated(unsafe) let (dGates, dWeights) = (gateGradients.storage.pointer, partials.pointer)
            rounds.run { round, images in
                plans[round].backward(upstream: context.upstream.storage.pointer + images.lowerBound * hiddenFloats,
                                      weight: stateWeight.storage.pointer, state: states[round],
                                      gateGradients: dGates + images.lowerBound * gateFloats,
                                      weightGradient: dWeights + round * weightFloats)
            }
            let weightGradient = Tensor(shape: stateWeight.shape) { rounds.sum(partials.pointer, count: weightFloats, into: $0) }
            return [gateGradients, context.needsGradient(1) ? weightGradient : nil]
        }
    }
}

/// The shapes of one Row LSTM recurrence. Every buffer is batch-last and channel-major,
/// [channels, H, W·N]: channel c of row r is the W·N floats at (c·H + r)·W·N, pixel w of image n at
/// w·N + n within them.
struct RowLSTMPlan {
    let batch: Int, height: Int, width: Int, units: Int, kernel: Int

    /// Positions in a row of the batch, W·N.
    var positions: Int { width * batch }
    /// Floats of one channel over all rows.
    var plane: Int { height * positions }

    /// Writes row r's im2col columns from row r − 1's state: column j·k + tap holds the state of
    /// channel j shifted by tap − k/2 pixels along the row, zero past the row's ends.
    func buildColumns(row: Int, state: RowLSTMState) {
        let half = kernel / 2
        forEachStateChannelRange { channels in
            for j in channels {
                let source = state.hidden + j * plane + (row - 1) * positions
                for tap in 0..<kernel {
                    let target = state.columns + (j * kernel + tap) * plane + row * positions
                    let shift = (tap - half) * batch   // floats: pixel w reads pixel w + tap − k/2
                    let kept = positions - Swift.abs(shift)
                    guard kept > 0 else { target.update(repeating: 0, count: positions); continue }
                    if shift >= 0 {
                        target.update(from: source + shift, count: kept)
                        (target + kept).update(repeating: 0, count: shift)
                    } else {
                        target.update(repeating: 0, count: -shift)
                        (target - shift).update(from: source, count: kept)
                    }
                }
            }
        }
    }

    /// Runs `body` over ranges of state channels, one per thread when a row's k shifted copies of
    /// them are worth a split. Each channel owns its own columns, so the split changes no bits.
    private func forEachStateChannelRange(_ body: (Range<Int>) -> Void) {
        ComputeThreads.forEachChunk(units, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / (kernel * positions)), body)
    }

    func forward(gates: UnsafePointer<Float>, weight: UnsafePointer<Float>, state: RowLSTMState, output: UnsafeMutablePointer<Float>) {
        BatchLastLayout.toBatchLast(gates, batch: batch, values: 4 * units * height * width, into: state.gates)
        let zeroCell = ChannelRows(base: state.zeros, stride: 0)
        for r in 0..<height {
            let rowGates = ChannelRows(base: state.gates + r * positions, stride: plane)
            if r > 0 {
                buildColumns(row: r, state: state)
                BLAS.gemm(transposeA: false, transposeB: false, m: 4 * units, n: positions, k: units * kernel,
                          a: weight, lda: units * kernel, b: state.columns + r * positions, ldb: plane,
                          beta: 1, c: rowGates.base, ldc: plane)
            }
            SpatialLSTMCell.forward(units: units, count: positions, gates: rowGates,
                                    previousCell: r == 0 ? zeroCell : ChannelRows(base: state.cell + (r - 1) * positions, stride: plane),
                                    cellTanh: ChannelRows(base: state.cellTanh + r * positions, stride: plane),
                                    cell: ChannelRows(base: state.cell + r * positions, stride: plane),
                                    hidden: ChannelRows(base: state.hidden + r * positions, stride: plane))
        }
        BatchLastLayout.toBatchFirst(state.hidden, batch: batch, values: units * height * width, into: output)
    }

    func backward(upstream: UnsafePointer<Float>, weight: UnsafePointer<Float>, state: RowLSTMState,
                  gateGradients: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>) {
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: units * plane)
        let dGates = UnsafeMutablePointer<Float>.allocate(capacity: 4 * units * plane)
        let dCell = UnsafeMutablePointer<Float>.allocate(capacity: units * positions)
        let dColumns = UnsafeMutablePointer<Float>.allocate(capacity: units * kernel * positions)
        defer { [dHidden, dGates, dCell, dColumns].forEach { $0.deallocate() } }
        BatchLastLayout.toBatchLast(upstream, batch: batch, values: units * height * width, into: dHidden)
        dCell.update(repeating: 0, count: units * positions)
        let zeroCell = ChannelRows(base: state.zeros, stride: 0)
        let half = kernel / 2
        for r in stride(from: height - 1, through: 0, by: -1) {
            // dHidden's row r already holds what row r + 1 sent back, added below.
            SpatialLSTMCell.backward(units: units, count: positions,
                                     hiddenGradient: ChannelRows(base: dHidden + r * positions, stride: plane),
                                     cellGradient: ChannelRows(base: dCell, stride: positions),
                                     activations: ChannelRows(base: state.gates + r * positions, stride: plane),
                                     cellTanh: ChannelRows(base: state.cellTanh + r * positions, stride: plane),
                                     previousCell: r == 0 ? zeroCell : ChannelRows(base: state.cell + (r - 1) * positions, stride: plane),
                                     gateGradients: ChannelRows(base: dGates + r * positions, stride: plane))
            guard r > 0 else { continue }
            // ∂L/∂columns = Wᵀ·dGates, then each column back onto the state of row r − 1.
            BLAS.gemm(transposeA: true, transposeB: false, m: units * kernel, n: positions, k: 4 * units,
                      a: weight, lda: units * kernel, b: dGates + r * positions, ldb: plane,
                      c: dColumns, ldc: positions)
            forEachStateChannelRange { channels in
                for j in channels {
                    let target = dHidden + j * plane + (r - 1) * positions
                    for tap in 0..<kernel {
                        let source = dColumns + (j * kernel + tap) * positions
                        let shift = (tap - half) * batch
                        let kept = positions - Swift.abs(shift)
                        guard kept > 0 else { continue }
                        // Column position p read state position p + shift.
                        let from = shift >= 0 ? source : source - shift, to = shift >= 0 ? target + shift : target
                        for p in 0..<kept { to[p] += from[p] }
                    }
                }
            }
        }
        BatchLastLayout.toBatchFirst(dGates, batch: batch, values: 4 * units * height * width, into: gateGradients)
        // ∂L/∂W = Σ_r dGates_r · columns_rᵀ, one GEMM over every row (row 0's columns are zero).
        BLAS.gemm(transposeA: false, transposeB: true, m: 4 * units, n: units * kernel, k: plane,
                  a: dGates, lda: plane, b: state.columns, ldb: plane, c: weightGradient, ldc: units * kernel)
    }
}

/// What the Row LSTM's forward pass computes and its backward pass reads, batch-last: the gate
/// activations (written over the pre-activations), c, tanh(c), h, and every row's im2col columns.
final class RowLSTMState: @unchecked Sendable {
    private let storage: TensorStorage
    let gates, cell, cellTanh, hidden, columns, zeros: UnsafeMutablePointer<Float>

    init(plan: RowLSTMPlan) {
        let (units, plane, positions) = (plan.units, plan.plane, plan.positions)
        let sizes = [4 * units * plane, units * plane, units * plane, units * plane, units * plan.kernel * plane, positions]
        storage = TensorStorage(count: sizes.reduce(0, +))
        var next = storage.pointer
        var pointers: [UnsafeMutablePointer<Float>] = []
        for size in sizes {
            pointers.append(next)
            next += size
        }
        (gates, cell, cellTanh, hidden, columns, zeros) = (pointers[0], pointers[1], pointers[2], pointers[3], pointers[4], pointers[5])
        // Row 0 has no previous row: its columns and the cell before it are zero.
        for channel in 0..<(units * plan.kernel) { (columns + channel * plane).update(repeating: 0, count: positions) }
        zeros.update(repeating: 0, count: positions)
    }
}
