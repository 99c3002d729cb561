/// The recurrence of one direction of PixelRNN's Diagonal BiLSTM (van den Oord et al. 2016,
/// section 3.2) as one op with one VJP.
///
/// The paper skews the map, row i shifted right by i, so that each diagonal of the image becomes a
/// column, then runs an LSTM column by column whose state-to-state step is a 2×1 convolution over
/// rows (i − 1, i) of the previous column. Here the batch is cut into groups of images
/// (``RecurrenceRounds``), and each group's gates move once into that skewed map, batch-last and
/// channel-major, [4U, T, H, N] with T = H + W − 1 steps, so the rows a diagonal crosses are
/// one contiguous block per channel: each step's state-to-state convolution is two GEMMs (one per
/// tap) and the cell runs along contiguous positions. Positions of the skewed map outside the image
/// keep a zero state, which is what the skewed map's zero padding gives there: the left padding's
/// input is zero and its state stays zero, and the right padding feeds only more right padding,
/// which the unskew discards.

/// Which way a diagonal LSTM sweeps the image.
public enum DiagonalDirection: Sendable {
    /// Columns left to right: h at (i, j) sees (i′, j′) with i′ ≤ i and j′ ≤ j.
    case leftToRight
    /// The mirror image: h at (i, j) sees (i′, j′) with i′ ≤ i and j′ ≥ j, the rest of row i
    /// included, which is why the Diagonal BiLSTM shifts this direction down one row.
    case rightToLeft
}

extension Tensor {
    /// One direction of the Diagonal BiLSTM over the input-to-state gates `self`.
    ///
    /// The gates of pixel (i, j) are `self[:, :, i, j]` plus `W[:, :, 0]·h(i − 1, j) +
    /// W[:, :, 1]·h(i, j − 1)`, the state of the pixel above and of the pixel to the left (to the
    /// right, j + 1, for the right-to-left direction), a zero state outside the image; the cell
    /// state comes from (i, j − 1) (or (i, j + 1)). Gates are in the order o, f, i, g
    /// (``SpatialLSTMCell``).
    ///
    /// - Parameters:
    ///   - self: [N, 4U, H, W], the input-to-state pre-activations of U state channels.
    ///   - stateWeight: [4U, U, 2]: the 2×1 state-to-state convolution over (row i − 1, row i),
    ///     Conv1d's layout.
    ///   - direction: which way the columns are swept.
    /// - Returns: h, [N, U, H, W].
    public func diagonalLSTMRecurrence(stateWeight: Tensor, direction: DiagonalDirection) -> Tensor {
        let gates = self
        precondition(gates.rank == 4 && gates.shape[1] % 4 == 0 && gates.shape[1] > 0,
                     "diagonalLSTMRecurrence: gates \(gates.shape) must be [N, 4U, H, W]")
        let (batch, height, width, units) = (gates.shape[0], gates.shape[2], gates.shape[3], gates.shape[1] / 4)
        precondition(stateWeight.shape == [4 * units, units, 2],
                     "diagonalLSTMRecurrence: state weight \(stateWeight.shape) must be [4U, U, 2] = [\(4 * units), \(units), 2]")
        let rounds = RecurrenceRounds(batch: batch)
        let plans = rounds.images.map { DiagonalLSTMPlan(batch: $0.count, height: height, width: width, units: units, direction: direction) }
        let states = plans.map { DiagonalLSTMState(plan: $0, weight: stateWeight.storage.pointer) }
        let (gateFloats, hiddenFloats) = (4 * units * height * width, units * height * width)
        let result = Tensor(shape: [batch, units, height, width]) { out in
            nonisolated(unsafe) let out = out.baseAddress!
            rounds.run { round, images in
                plans[round].forward(gates: gates.storage.pointer + images.lowerBound * gateFloats, state: states[round],
                                     output: out + images.lowerBound * hiddenFloats)
            }
        }
        return result.recorded(from: [gates, stateWeight]) { context in
            let gateGradients = Tensor(shape: gates.shape) { _ in }
            // Each group's weight gradient apart, added up in group order.
            let weightFloats = stateWeight.elementCount
            let partials = TensorStorage(count: rounds.images.count * weightFloats)
            nonisolated(unsafe) let (dGates, dWeights) = (gateGradients.storage.pointer, partials.pointer)
            rounds.run { round, images in
                plans[round].backward(upstream: context.upstream.storage.pointer + images.lowerBound * hiddenFloats, state: states[round],
                                      gateGradients: dGates + images.lowerBound * gateFloats, weightGradient: dWeights + round * weightFloats)
            }
            let weightGradient = Tensor(shape: stateWeight.shape) { rounds.sum(partials.pointer, count: weightFloats, into: $0) }
            return [gateGradients, context.needsGradient(1) ? weightGradient : nil]
        }
    }
}

/// The shapes of one diagonal sweep. The skewed buffers are [channels, T, H, N]: step t, image row
/// i, image n at (t·H + i)·N + n within a channel. The states are [U, T + 1, H + 1, N], one slot
/// before the first step and one zero row above the image, so the first step and the first row read
/// zeros with no bounds checks: the state after step t of row i is slot t + 1, row i + 1.
struct DiagonalLSTMPlan {
    let batch: Int, height: Int, width: Int, units: Int
    let direction: DiagonalDirection

    /// Steps of the sweep: the columns of the skewed map.
    var steps: Int { height + width - 1 }
    /// Floats of one step of one channel in the skewed buffers, H·N.
    var stepSize: Int { height * batch }
    /// Floats of one channel in the skewed buffers.
    var skewedPlane: Int { steps * stepSize }
    /// Floats of one slot of one channel in the state buffers, (H + 1)·N, and of one channel.
    var slotSize: Int { (height + 1) * batch }
    var statePlane: Int { (steps + 1) * slotSize }

    /// The image rows that step t's diagonal crosses.
    func rows(at step: Int) -> ClosedRange<Int> { Swift.max(0, step - width + 1)...Swift.min(height - 1, step) }

    /// The step at which the sweep reaches pixel (i, j).
    @inline(__always)
    func step(row: Int, column: Int) -> Int { row + (direction == .leftToRight ? column : width - 1 - column) }

    /// Moves [N, C, H, W] into the skewed [C, T, H, N] (`skewing`), or back (the unskew); skewed
    /// positions outside the image are neither read nor written.
    func move(_ image: UnsafeMutablePointer<Float>, _ skewed: UnsafeMutablePointer<Float>, channels: Int, skewing: Bool) {
        for c in 0..<channels {
            for i in 0..<height {
                for n in 0..<batch {
                    let pixels = image + ((n * channels + c) * height + i) * width
                    let column = skewed + c * skewedPlane + i * batch + n
                    for j in 0..<width {
                        let at = column + step(row: i, column: j) * stepSize
                        if skewing { at.pointee = pixels[j] } else { pixels[j] = at.pointee }
                    }
                }
            }
        }
    }

    func forward(gates: UnsafePointer<Float>, state: DiagonalLSTMState, output: UnsafeMutablePointer<Float>) {
        move(UnsafeMutablePointer(mutating: gates), state.gates, channels: 4 * units, skewing: true)
        for t in 0..<steps {
            let band = rows(at: t), first = band.lowerBound * batch, count = band.count * batch
            let stepGates = state.gates + t * stepSize + first
            if t > 0 {
                // Tap 0 reads the row above (slot row i), tap 1 the row itself (slot row i + 1).
                for tap in 0..<2 {
                    BLAS.gemm(transposeA: false, transposeB: false, m: 4 * units, n: count, k: units,
                              a: state.tapWeights[tap], lda: units, b: state.hidden + t * slotSize + first + tap * batch, ldb: statePlane,
                              beta: 1, c: stepGates, ldc: skewedPlane)
                }
            }
            let slot = (t + 1) * slotSize + first + batch
            SpatialLSTMCell.forward(units: units, count: count, gates: ChannelRows(base: stepGates, stride: skewedPlane),
                                    previousCell: ChannelRows(base: state.cell + t * slotSize + first + batch, stride: statePlane),
                                    cellTanh: ChannelRows(base: state.cellTanh + t * stepSize + first, stride: skewedPlane),
                                    cell: ChannelRows(base: state.cell + slot, stride: statePlane),
                                    hidden: ChannelRows(base: state.hidden + slot, stride: statePlane))
        }
        // h after step t of row i sits at slot t + 1, row i + 1: one slot and one row past the
        // skewed buffers' indexing.
        let shifted = state.hidden + slotSize + batch
        for u in 0..<units {
            for i in 0..<height {
                for n in 0..<batch {
                    let pixels = output + ((n * units + u) * height + i) * width
                    let column = shifted + u * statePlane + i * batch + n
                    for j in 0..<width { pixels[j] = column[step(row: i, column: j) * slotSize] }
                }
            }
        }
    }

    func backward(upstream: UnsafePointer<Float>, state: DiagonalLSTMState,
                  gateGradients: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>) {
        // ∂L/∂h in the skewed layout, zero off the image, and ∂L/∂gates likewise.
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: units * skewedPlane)
        let dGates = UnsafeMutablePointer<Float>.allocate(capacity: 4 * units * skewedPlane)
        // What step t sends back to step t − 1's h, by slot row (row 0: above the image, unused).
        let carried = UnsafeMutablePointer<Float>.allocate(capacity: units * slotSize)
        let dCell = UnsafeMutablePointer<Float>.allocate(capacity: units * stepSize)
        let dTaps = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 4 * units * units)
        defer { [dHidden, dGates, carried, dCell, dTaps].forEach { $0.deallocate() } }
        dHidden.update(repeating: 0, count: units * skewedPlane)
        move(UnsafeMutablePointer(mutating: upstream), dHidden, channels: units, skewing: true)
        dCell.update(repeating: 0, count: units * stepSize)
        dTaps.update(repeating: 0, count: 2 * 4 * units * units)
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let band = rows(at: t), first = band.lowerBound * batch, count = band.count * batch
            let stepGradients = dGates + t * stepSize + first, stepHidden = dHidden + t * stepSize + first
            if t < steps - 1 {
                for u in 0..<units {
                    let from = carried + u * slotSize + first + batch, to = stepHidden + u * skewedPlane
                    for p in 0..<count { to[p] += from[p] }
                }
            }
            // A row's cell gradient carries from its next step; a row whose diagonal ends here has
            // none yet (dCell still holds its initial zero).
            SpatialLSTMCell.backward(units: units, count: count,
                                     hiddenGradient: ChannelRows(base: stepHidden, stride: skewedPlane),
                                     cellGradient: ChannelRows(base: dCell + first, stride: stepSize),
                                     activations: ChannelRows(base: state.gates + t * stepSize + first, stride: skewedPlane),
                                     cellTanh: ChannelRows(base: state.cellTanh + t * stepSize + first, stride: skewedPlane),
                                     previousCell: ChannelRows(base: state.cell + t * slotSize + first + batch, stride: statePlane),
                                     gateGradients: ChannelRows(base: stepGradients, stride: skewedPlane))
            guard t > 0 else { break }
            carried.update(repeating: 0, count: units * slotSize)
            for tap in 0..<2 {
                let previous = state.hidden + t * slotSize + first + tap * batch
                // ∂L/∂h of step t − 1 through this tap: W_tapᵀ·dGates.
                BLAS.gemm(transposeA: true, transposeB: false, m: units, n: count, k: 4 * units,
                          a: state.tapWeights[tap], lda: units, b: stepGradients, ldb: skewedPlane,
                          beta: 1, c: carried + first + tap * batch, ldc: slotSize)
                // ∂L/∂W_tap += dGates·h_{t−1}ᵀ over the band.
                BLAS.gemm(transposeA: false, transposeB: true, m: 4 * units, n: units, k: count,
                          a: stepGradients, lda: skewedPlane, b: previous, ldb: statePlane,
                          beta: 1, c: dTaps + tap * 4 * units * units, ldc: units)
            }
        }
        // Every pixel's gate gradient was written at its step; the skewed padding is never read.
        move(gateGradients, dGates, channels: 4 * units, skewing: false)
        for g in 0..<(4 * units) {
            for u in 0..<units {
                for tap in 0..<2 { weightGradient[(g * units + u) * 2 + tap] = dTaps[tap * 4 * units * units + g * units + u] }
            }
        }
    }
}

/// What a diagonal sweep computes and its gradient reads: the skewed gates (their activations
/// written over the pre-activations), tanh(c), and every step's c and h, plus the state-to-state
/// weight split by tap into two [4U, U] matrices for the GEMMs.
final class DiagonalLSTMState: @unchecked Sendable {
    private let storage: TensorStorage
    let gates, cellTanh, cell, hidden: UnsafeMutablePointer<Float>
    let tapWeights: [UnsafeMutablePointer<Float>]

    init(plan: DiagonalLSTMPlan, weight: UnsafePointer<Float>) {
        let units = plan.units, taps = 4 * units * units
        let sizes = [4 * units * plan.skewedPlane, units * plan.skewedPlane, units * plan.statePlane, units * plan.statePlane, 2 * taps]
        storage = TensorStorage(count: sizes.reduce(0, +))
        var next = storage.pointer
        var pointers: [UnsafeMutablePointer<Float>] = []
        for size in sizes {
            pointers.append(next)
            next += size
        }
        (gates, cellTanh, cell, hidden) = (pointers[0], pointers[1], pointers[2], pointers[3])
        tapWeights = [pointers[4], pointers[4] + taps]
        // The states start at zero: the slot before the first step, the row above the image and
        // every position off the image stay so.
        cell.update(repeating: 0, count: units * plan.statePlane)
        hidden.update(repeating: 0, count: units * plan.statePlane)
        for g in 0..<(4 * units) {
            for u in 0..<units {
                for tap in 0..<2 { tapWeights[tap][g * units + u] = weight[(g * units + u) * 2 + tap] }
            }
        }
    }
}
