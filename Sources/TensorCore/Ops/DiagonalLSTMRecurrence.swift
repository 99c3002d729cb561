/// The recurrence of one direction of PixelRNN's Diagonal BiLSTM (van den Oord et al. 2016,
/// section 3.2) as one op with one VJP.
///
/// The paper skews the map, row i shifted right by i, so that each diagonal of the image becomes a
/// column, then runs an LSTM column by column whose state-to-state step is a 2×1 convolution over
/// rows (i − 1, i) of the previous column. Here the skew is never materialized: step t of the
/// recurrence visits the pixels (i, t − i) of the image (its mirror image for the right-to-left
/// direction), one per row that the diagonal crosses. Positions of the skewed map that lie outside
/// the image hold a zero state, which is what the skewed map's zero padding gives there: the left
/// padding's input is zero and its state stays zero, and the right padding feeds only more right
/// padding, which the unskew discards.

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
    /// state comes from (i, j − 1) (or (i, j + 1)). Gates are in the order o, f, i, g (``SpatialLSTMCell``).
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
        let plan = DiagonalLSTMPlan(batch: batch, height: height, width: width, units: units, direction: direction)
        let saving = GradientTape.isRecording && (gates.isDifferentiable || stateWeight.isDifferentiable)
        let saved = DiagonalLSTMSaved(plan: plan, keepingEveryStep: saving)
        let result = Tensor(shape: [batch, units, height, width]) { out in
            plan.forward(gates: gates.storage.pointer, weight: stateWeight.storage.pointer, saved: saved, output: out.baseAddress!)
        }
        return result.recorded(from: [gates, stateWeight]) { context in
            let gateGradients = Tensor(shape: gates.shape) { _ in }
            let weightGradient = Tensor(shape: stateWeight.shape) { _ in }
            plan.backward(upstream: context.upstream.storage.pointer, weight: stateWeight.storage.pointer, saved: saved,
                          gateGradients: gateGradients.storage.pointer, weightGradient: weightGradient.storage.pointer)
            return [gateGradients, context.needsGradient(1) ? weightGradient : nil]
        }
    }
}

/// The shapes of one diagonal sweep. Inside, a step's state is [H, N, U]: image row i of example n
/// at row i·N + n, channels last, so the rows a diagonal crosses are one contiguous block and the
/// state-to-state convolution of a step is one GEMM over it.
struct DiagonalLSTMPlan {
    let batch: Int, height: Int, width: Int, units: Int
    let direction: DiagonalDirection

    /// Steps of the sweep: the columns of the skewed map.
    var steps: Int { height + width - 1 }
    var stateBlock: Int { height * batch * units }
    var gateBlock: Int { height * batch * 4 * units }
    /// [H, N, 2U] im2col columns, column j·2 + tap: tap 0 the row above, tap 1 the row itself.
    var columnBlock: Int { height * batch * 2 * units }

    /// The image rows that step t's diagonal crosses.
    func rows(at step: Int) -> ClosedRange<Int> { max(0, step - width + 1)...min(height - 1, step) }

    /// The image column of row i at step t.
    @inline(__always)
    func column(row: Int, step: Int) -> Int {
        direction == .leftToRight ? step - row : width - 1 - (step - row)
    }

    func forward(gates: UnsafePointer<Float>, weight: UnsafePointer<Float>, saved: DiagonalLSTMSaved,
                 output: UnsafeMutablePointer<Float>) {
        let preactivation = UnsafeMutablePointer<Float>.allocate(capacity: gateBlock)
        defer { preactivation.deallocate() }
        let plane = height * width, gateCount = 4 * units
        for t in 0..<steps {
            let band = rows(at: t), first = band.lowerBound * batch, count = band.count * batch
            let previousHidden = saved.hidden(t), columns = saved.columns(t)
            for i in band {
                let j = column(row: i, step: t)
                for n in 0..<batch {
                    let target = preactivation + (i * batch + n) * gateCount
                    let source = gates + n * gateCount * plane + i * width + j
                    for g in 0..<gateCount { target[g] = source[g * plane] }
                    // Columns of the previous step's state: the row above (zero at the top) and this row.
                    let column = columns + (i * batch + n) * 2 * units
                    let above = previousHidden + ((i - 1) * batch + n) * units, own = previousHidden + (i * batch + n) * units
                    for u in 0..<units {
                        column[u * 2] = i > 0 ? above[u] : 0
                        column[u * 2 + 1] = own[u]
                    }
                }
            }
            if t > 0 {
                BLAS.gemm(transposeA: false, transposeB: true, m: count, n: gateCount, k: 2 * units,
                          a: columns + first * 2 * units, b: weight, beta: 1, c: preactivation + first * gateCount)
            }
            let cell = saved.cell(t + 1), hidden = saved.hidden(t + 1)
            // Rows off the diagonal hold a zero state (see the note at the top of this file).
            cell.update(repeating: 0, count: stateBlock)
            hidden.update(repeating: 0, count: stateBlock)
            SpatialLSTMCell.forward(positions: count, width: units, preactivations: preactivation + first * gateCount,
                                    previousCell: saved.cell(t) + first * units,
                                    activations: saved.activations(t) + first * gateCount,
                                    cellTanh: saved.cellTanh(t) + first * units,
                                    cell: cell + first * units, hidden: hidden + first * units)
            for i in band {
                let j = column(row: i, step: t)
                for n in 0..<batch {
                    let source = hidden + (i * batch + n) * units, target = output + n * units * plane + i * width + j
                    for u in 0..<units { target[u * plane] = source[u] }
                }
            }
        }
    }

    func backward(upstream: UnsafePointer<Float>, weight: UnsafePointer<Float>, saved: DiagonalLSTMSaved,
                  gateGradients: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>) {
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dCarried = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dCell = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dColumns = UnsafeMutablePointer<Float>.allocate(capacity: columnBlock)
        // Every step's gate gradients, zero off the diagonal, for the one weight-gradient GEMM.
        let dGates = UnsafeMutablePointer<Float>.allocate(capacity: steps * gateBlock)
        defer { [dHidden, dCarried, dCell, dColumns, dGates].forEach { $0.deallocate() } }
        dCarried.update(repeating: 0, count: stateBlock)
        dCell.update(repeating: 0, count: stateBlock)
        dGates.update(repeating: 0, count: steps * gateBlock)
        let plane = height * width, gateCount = 4 * units
        for t in stride(from: steps - 1, through: 0, by: -1) {
            let band = rows(at: t), first = band.lowerBound * batch, count = band.count * batch
            for i in band {
                let j = column(row: i, step: t)
                for n in 0..<batch {
                    let state = (i * batch + n) * units, source = upstream + n * units * plane + i * width + j
                    for u in 0..<units { dHidden[state + u] = source[u * plane] + dCarried[state + u] }
                }
            }
            // A row's cell gradient carries from its next step; a row whose diagonal ends here has
            // none yet (dCell is still its initial zero).
            let stepGates = dGates + t * gateBlock
            SpatialLSTMCell.backward(positions: count, width: units, hiddenGradient: dHidden + first * units,
                                     cellGradient: dCell + first * units,
                                     activations: saved.activations(t) + first * gateCount,
                                     cellTanh: saved.cellTanh(t) + first * units,
                                     previousCell: saved.cell(t) + first * units,
                                     gateGradients: stepGates + first * gateCount)
            for i in band {
                let j = column(row: i, step: t)
                for n in 0..<batch {
                    let source = stepGates + (i * batch + n) * gateCount, target = gateGradients + n * gateCount * plane + i * width + j
                    for g in 0..<gateCount { target[g * plane] = source[g] }
                }
            }
            // ∂L/∂h of step t − 1: through this step's columns, to the row above and the row itself.
            dCarried.update(repeating: 0, count: stateBlock)
            guard t > 0 else { continue }
            BLAS.gemm(transposeA: false, transposeB: false, m: count, n: 2 * units, k: gateCount,
                      a: stepGates + first * gateCount, b: weight, c: dColumns + first * 2 * units)
            for i in band {
                for n in 0..<batch {
                    let column = dColumns + (i * batch + n) * 2 * units
                    let above = dCarried + ((i - 1) * batch + n) * units, own = dCarried + (i * batch + n) * units
                    for u in 0..<units {
                        if i > 0 { above[u] += column[u * 2] }
                        own[u] += column[u * 2 + 1]
                    }
                }
            }
        }
        // ∂L/∂W = Σ_t dGates_tᵀ · columns_t over every step (zero rows off the diagonal add nothing;
        // step 0's columns are zero).
        BLAS.gemm(transposeA: true, transposeB: false, m: gateCount, n: 2 * units, k: steps * height * batch,
                  a: dGates, b: saved.columns(0), c: weightGradient)
    }
}

/// What a diagonal sweep keeps: for training every step's gate activations, tanh(c), c and state
/// columns; for a pass without gradients only the steps in flight, reused.
final class DiagonalLSTMSaved: @unchecked Sendable {
    private let plan: DiagonalLSTMPlan
    private let everyStep: Bool
    private let activationStorage, cellTanhStorage, cellStorage, hiddenStorage, columnStorage: TensorStorage

    init(plan: DiagonalLSTMPlan, keepingEveryStep: Bool) {
        self.plan = plan
        everyStep = keepingEveryStep
        let steps = keepingEveryStep ? plan.steps : 1
        // Zero-filled: rows off the diagonal are read by the weight-gradient GEMM and must be finite.
        activationStorage = TensorStorage(repeating: 0, count: steps * plan.gateBlock)
        cellTanhStorage = TensorStorage(repeating: 0, count: steps * plan.stateBlock)
        columnStorage = TensorStorage(repeating: 0, count: steps * plan.columnBlock)
        // The states entering each step; the first is zero. Only h's latest two are ever read.
        cellStorage = TensorStorage(repeating: 0, count: (keepingEveryStep ? plan.steps + 1 : 2) * plan.stateBlock)
        hiddenStorage = TensorStorage(repeating: 0, count: 2 * plan.stateBlock)
    }

    private func slot(_ step: Int) -> Int { everyStep ? step : 0 }

    func activations(_ step: Int) -> UnsafeMutablePointer<Float> { activationStorage.pointer + slot(step) * plan.gateBlock }
    func cellTanh(_ step: Int) -> UnsafeMutablePointer<Float> { cellTanhStorage.pointer + slot(step) * plan.stateBlock }
    func columns(_ step: Int) -> UnsafeMutablePointer<Float> { columnStorage.pointer + slot(step) * plan.columnBlock }
    /// c entering step `index` (the state after step index − 1).
    func cell(_ index: Int) -> UnsafeMutablePointer<Float> {
        cellStorage.pointer + (everyStep ? index : index % 2) * plan.stateBlock
    }
    /// h entering step `index`.
    func hidden(_ index: Int) -> UnsafeMutablePointer<Float> { hiddenStorage.pointer + (index % 2) * plan.stateBlock }
}
