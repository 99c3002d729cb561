/// The recurrence of PixelRNN's Row LSTM (van den Oord et al. 2016, section 3.1) as one op with one
/// VJP: the image's rows top to bottom, each row's state computed from the previous row's by a 1-D
/// convolution along the row.
///
/// Stepping rows as ordinary ops would record a dozen tape nodes per row and layer; here the
/// forward pass keeps the gates and states in flat buffers, each row's state-to-state convolution is
/// one GEMM over im2col columns of the previous row, and the backward pass walks the rows in
/// reverse, with one GEMM over all rows for the weight gradient.

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
        let plan = RowLSTMPlan(batch: batch, height: height, width: width, units: units, kernel: stateWeight.shape[2])
        let saving = GradientTape.isRecording && (gates.isDifferentiable || stateWeight.isDifferentiable)
        let saved = RowLSTMSaved(plan: plan, keepingEveryRow: saving)
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

/// The shapes of one Row LSTM recurrence. Inside, a row is [N·W, channels]: position (n, w) at
/// row n·W + w, channels last, so the state-to-state convolution of a row is one GEMM.
struct RowLSTMPlan {
    let batch: Int, height: Int, width: Int, units: Int, kernel: Int

    /// Positions in a row of the batch.
    var positions: Int { batch * width }
    /// Floats of one row's state, [N·W, U].
    var stateBlock: Int { positions * units }
    /// Floats of one row's gates, [N·W, 4U].
    var gateBlock: Int { positions * 4 * units }
    /// Floats of one row's im2col columns, [N·W, U·k], column j·k + tap as the weight flattens.
    var columnBlock: Int { positions * units * kernel }

    /// Writes the im2col columns of a row's state: columns[(n, w), j·k + tap] = h[(n, w + tap − k/2), j].
    func columns(of hidden: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let half = kernel / 2
        for n in 0..<batch {
            for w in 0..<width {
                let row = columns + (n * width + w) * units * kernel
                for tap in 0..<kernel {
                    let source = w + tap - half
                    let inside = source >= 0 && source < width
                    let state = hidden + (n * width + source) * units
                    for j in 0..<units { row[j * kernel + tap] = inside ? state[j] : 0 }
                }
            }
        }
    }

    /// Adds im2col column gradients back onto the state they came from (the adjoint of ``columns``).
    func accumulateColumns(_ columns: UnsafePointer<Float>, into hidden: UnsafeMutablePointer<Float>) {
        let half = kernel / 2
        hidden.update(repeating: 0, count: stateBlock)
        for n in 0..<batch {
            for w in 0..<width {
                let row = columns + (n * width + w) * units * kernel
                for tap in 0..<kernel {
                    let source = w + tap - half
                    guard source >= 0 && source < width else { continue }
                    let state = hidden + (n * width + source) * units
                    for j in 0..<units { state[j] += row[j * kernel + tap] }
                }
            }
        }
    }

    func forward(gates: UnsafePointer<Float>, weight: UnsafePointer<Float>, saved: RowLSTMSaved,
                 output: UnsafeMutablePointer<Float>) {
        let preactivation = UnsafeMutablePointer<Float>.allocate(capacity: gateBlock)
        defer { preactivation.deallocate() }
        let plane = height * width
        for r in 0..<height {
            let columns = saved.columns(r), previousCell = saved.cell(r), previousHidden = saved.hidden(r)
            // The gates of row r, from [N, 4U, H, W] to [N·W, 4U].
            for n in 0..<batch {
                for g in 0..<(4 * units) {
                    let source = gates + (n * 4 * units + g) * plane + r * width
                    for w in 0..<width { preactivation[(n * width + w) * 4 * units + g] = source[w] }
                }
            }
            if r > 0 {
                self.columns(of: previousHidden, into: columns)
                BLAS.gemm(transposeA: false, transposeB: true, m: positions, n: 4 * units, k: units * kernel,
                          a: columns, b: weight, beta: 1, c: preactivation)
            }
            SpatialLSTMCell.forward(positions: positions, width: units, preactivations: preactivation,
                                    previousCell: previousCell, activations: saved.activations(r),
                                    cellTanh: saved.cellTanh(r), cell: saved.cell(r + 1), hidden: saved.hidden(r + 1))
            // h of row r, from [N·W, U] to [N, U, H, W].
            let hidden = saved.hidden(r + 1)
            for n in 0..<batch {
                for j in 0..<units {
                    let target = output + (n * units + j) * plane + r * width
                    for w in 0..<width { target[w] = hidden[(n * width + w) * units + j] }
                }
            }
        }
    }

    func backward(upstream: UnsafePointer<Float>, weight: UnsafePointer<Float>, saved: RowLSTMSaved,
                  gateGradients: UnsafeMutablePointer<Float>, weightGradient: UnsafeMutablePointer<Float>) {
        let dHidden = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dCarried = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dCell = UnsafeMutablePointer<Float>.allocate(capacity: stateBlock)
        let dColumns = UnsafeMutablePointer<Float>.allocate(capacity: columnBlock)
        let dGates = UnsafeMutablePointer<Float>.allocate(capacity: height * gateBlock)
        defer { [dHidden, dCarried, dCell, dColumns, dGates].forEach { $0.deallocate() } }
        dCarried.update(repeating: 0, count: stateBlock)
        dCell.update(repeating: 0, count: stateBlock)
        let plane = height * width
        for r in stride(from: height - 1, through: 0, by: -1) {
            // ∂L/∂h of row r: its own output's gradient plus what row r + 1 sent back.
            for n in 0..<batch {
                for j in 0..<units {
                    let source = upstream + (n * units + j) * plane + r * width
                    for w in 0..<width {
                        let index = (n * width + w) * units + j
                        dHidden[index] = source[w] + dCarried[index]
                    }
                }
            }
            let rowGates = dGates + r * gateBlock
            SpatialLSTMCell.backward(positions: positions, width: units, hiddenGradient: dHidden, cellGradient: dCell,
                                     activations: saved.activations(r), cellTanh: saved.cellTanh(r),
                                     previousCell: saved.cell(r), gateGradients: rowGates)
            for n in 0..<batch {
                for g in 0..<(4 * units) {
                    let target = gateGradients + (n * 4 * units + g) * plane + r * width
                    for w in 0..<width { target[w] = rowGates[(n * width + w) * 4 * units + g] }
                }
            }
            if r > 0 {
                BLAS.gemm(transposeA: false, transposeB: false, m: positions, n: units * kernel, k: 4 * units,
                          a: rowGates, b: weight, c: dColumns)
                accumulateColumns(dColumns, into: dCarried)
            }
        }
        // ∂L/∂W = Σ_r dGates_rᵀ · columns_r; row 0 has no columns (its previous state is zero).
        if height > 1 {
            BLAS.gemm(transposeA: true, transposeB: false, m: 4 * units, n: units * kernel, k: (height - 1) * positions,
                      a: dGates + gateBlock, b: saved.columns(1), c: weightGradient)
        } else {
            weightGradient.update(repeating: 0, count: 4 * units * units * kernel)
        }
    }
}

/// What the Row LSTM's forward pass keeps: for training every row's gate activations, tanh(c), c,
/// h and state columns; for a pass without gradients only the rows in flight, reused.
final class RowLSTMSaved: @unchecked Sendable {
    private let plan: RowLSTMPlan
    private let everyRow: Bool
    private let activationStorage, cellTanhStorage, cellStorage, hiddenStorage, columnStorage: TensorStorage

    init(plan: RowLSTMPlan, keepingEveryRow: Bool) {
        self.plan = plan
        everyRow = keepingEveryRow
        let rows = keepingEveryRow ? plan.height : 1
        activationStorage = TensorStorage(count: rows * plan.gateBlock)
        cellTanhStorage = TensorStorage(count: rows * plan.stateBlock)
        // States entering each row: row 0's are zero.
        cellStorage = TensorStorage(repeating: 0, count: (keepingEveryRow ? plan.height + 1 : 2) * plan.stateBlock)
        hiddenStorage = TensorStorage(repeating: 0, count: (keepingEveryRow ? plan.height + 1 : 2) * plan.stateBlock)
        columnStorage = TensorStorage(repeating: 0, count: rows * plan.columnBlock)
    }

    private func slot(_ row: Int) -> Int { everyRow ? row : 0 }
    /// States are indexed by the row that produced them plus one; without gradients two slots alternate.
    private func stateSlot(_ index: Int) -> Int { everyRow ? index : index % 2 }

    func activations(_ row: Int) -> UnsafeMutablePointer<Float> { activationStorage.pointer + slot(row) * plan.gateBlock }
    func cellTanh(_ row: Int) -> UnsafeMutablePointer<Float> { cellTanhStorage.pointer + slot(row) * plan.stateBlock }
    func columns(_ row: Int) -> UnsafeMutablePointer<Float> { columnStorage.pointer + slot(row) * plan.columnBlock }
    func cell(_ index: Int) -> UnsafeMutablePointer<Float> { cellStorage.pointer + stateSlot(index) * plan.stateBlock }
    func hidden(_ index: Int) -> UnsafeMutablePointer<Float> { hiddenStorage.pointer + stateSlot(index) * plan.stateBlock }
}
