/// The recurrence of an LSTM over a whole padded, time-major batch as one op with one VJP.
///
/// Stepping a cell through T steps as ordinary ops records ~15 tape nodes per step, allocates
/// per-step gradients, and slicing each step's input out of a [T·N, E] matrix costs a full-size
/// zero gradient per step (O(T²) over a sequence). Here the forward pass keeps the gate
/// activations and states in flat buffers, and the backward pass walks the steps in reverse with
/// one [N, 4H]·[4H, H] GEMM per step, then forms the hidden-weight gradient with a single GEMM over
/// all steps.

extension Tensor {
    /// The real steps of each of `rows` rows, checked to lie in 0...`steps`: `lengths`, or `steps`
    /// for every row when nil. For the fused recurrences (`op` names the caller in the message).
    static func recurrenceLengths(_ lengths: [Int]?, rows: Int, steps: Int, op: String) -> [Int] {
        let lengths = lengths ?? [Int](repeating: steps, count: rows)
        precondition(lengths.count == rows && lengths.allSatisfy { $0 >= 0 && $0 <= steps },
                     "\(op): \(lengths.count) lengths for \(rows) rows must each lie in 0...\(steps)")
        return lengths
    }

    /// Runs c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c') over `steps` steps, gates in PyTorch's order
    /// i, f, g, o (σ, σ, tanh, σ) with pre-activations `projected[t] + h·W_hhᵀ`.
    ///
    /// - Parameters:
    ///   - projected: [T·N, 4H], time-major (rows t·N ..< (t+1)·N are step t): the input part of
    ///     the gate pre-activations, x_t·W_ihᵀ + b_ih + b_hh, made by one GEMM over all steps.
    ///   - initialHidden, initialCell: h₀ and c₀, [N, H].
    ///   - hiddenWeight: W_hh, [4H, H].
    ///   - lengths: real steps of each row (N numbers in 0...T), or nil for all T. Past its length
    ///     a row keeps its state and outputs zeros, so padding never affects values or gradients.
    /// - Returns: [(T + 2)·N, H]: rows t·N ..< (t+1)·N hold h after step t (zero past a row's
    ///   length), then N rows of the final h (each row's state after its last real step), then N
    ///   rows of the final c.
    public static func lstmRecurrence(projected: Tensor, initialHidden: Tensor, initialCell: Tensor, hiddenWeight: Tensor,
                                      steps: Int, lengths: [Int]? = nil) -> Tensor {
        let rows = initialHidden.shape[0], width = initialHidden.shape[1], gates = 4 * width
        precondition(initialHidden.rank == 2 && initialCell.shape == initialHidden.shape,
                     "lstmRecurrence: h₀ \(initialHidden.shape) and c₀ \(initialCell.shape) must both be [N, H]")
        precondition(hiddenWeight.shape == [gates, width], "lstmRecurrence: W_hh \(hiddenWeight.shape) must be [4H, H] = [\(gates), \(width)]")
        precondition(steps >= 1 && projected.shape == [steps * rows, gates],
                     "lstmRecurrence: projected inputs \(projected.shape) must be [T·N, 4H] = [\(steps * rows), \(gates)]")
        let lengths = recurrenceLengths(lengths, rows: rows, steps: steps, op: "lstmRecurrence")
        let block = rows * width
        // Saved for the VJP: activations i, f, g, o per step, tanh(c') per step, and the states
        // entering each step (h_t, c_t for t = 0 … T).
        let activations = TensorStorage(count: steps * rows * gates)
        let cellTanh = TensorStorage(count: steps * block)
        let hiddens = TensorStorage(count: (steps + 1) * block), cells = TensorStorage(count: (steps + 1) * block)
        hiddens.pointer.update(from: initialHidden.storage.pointer, count: block)
        cells.pointer.update(from: initialCell.storage.pointer, count: block)
        let result = Tensor(shape: [(steps + 2) * rows, width]) { out in
            let output = out.baseAddress!
            let preactivation = UnsafeMutablePointer<Float>.allocate(capacity: rows * gates)
            defer { preactivation.deallocate() }
            for t in 0..<steps {
                let h = hiddens.pointer + t * block, c = cells.pointer + t * block
                let nextH = h + block, nextC = c + block
                let act = activations.pointer + t * rows * gates, tc = cellTanh.pointer + t * block
                preactivation.update(from: projected.storage.pointer + t * rows * gates, count: rows * gates)
                BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: gates, k: width,
                          a: h, b: hiddenWeight.storage.pointer, beta: 1, c: preactivation)
                for n in 0..<rows {
                    let state = n * width, gate = n * gates, out = output + t * block + state
                    guard t < lengths[n] else {
                        (nextH + state).update(from: h + state, count: width)
                        (nextC + state).update(from: c + state, count: width)
                        out.update(repeating: 0, count: width)
                        (act + gate).update(repeating: 0, count: gates)
                        continue
                    }
                    let p = preactivation + gate, a = act + gate
                    for j in 0..<width {
                        let i = GateMath.sigmoid(p[j]), f = GateMath.sigmoid(p[width + j])
                        let g = FastMath.tanh(p[2 * width + j]), o = GateMath.sigmoid(p[3 * width + j])
                        let cell = f * c[state + j] + i * g
                        let tanhCell = FastMath.tanh(cell)
                        (a[j], a[width + j], a[2 * width + j], a[3 * width + j]) = (i, f, g, o)
                        nextC[state + j] = cell
                        tc[state + j] = tanhCell
                        nextH[state + j] = o * tanhCell
                        out[j] = o * tanhCell
                    }
                }
            }
            (output + steps * block).update(from: hiddens.pointer + steps * block, count: block)
            (output + (steps + 1) * block).update(from: cells.pointer + steps * block, count: block)
        }
        return result.recorded(from: [projected, initialHidden, initialCell, hiddenWeight]) { context in
            let upstream = context.upstream.storage.pointer
            let gateGradients = Tensor(shape: projected.shape) { $0.update(repeating: 0) }
            let dGates = gateGradients.storage.pointer
            let dh = UnsafeMutablePointer<Float>.allocate(capacity: block), dc = UnsafeMutablePointer<Float>.allocate(capacity: block)
            let recurrent = UnsafeMutablePointer<Float>.allocate(capacity: block)
            defer { dh.deallocate(); dc.deallocate(); recurrent.deallocate() }
            dh.update(from: upstream + steps * block, count: block)
            dc.update(from: upstream + (steps + 1) * block, count: block)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let act = activations.pointer + t * rows * gates, tc = cellTanh.pointer + t * block
                let c = cells.pointer + t * block, dOut = upstream + t * block, d = dGates + t * rows * gates
                for n in 0..<rows where t < lengths[n] {
                    let state = n * width, a = act + n * gates, dg = d + n * gates
                    for j in 0..<width {
                        let (i, f, g, o) = (a[j], a[width + j], a[2 * width + j], a[3 * width + j])
                        let tanhCell = tc[state + j]
                        let dhTotal = dh[state + j] + dOut[state + j]
                        let dcTotal = dc[state + j] + dhTotal * o * (1 - tanhCell * tanhCell)
                        dg[j] = dcTotal * g * i * (1 - i)
                        dg[width + j] = dcTotal * c[state + j] * f * (1 - f)
                        dg[2 * width + j] = dcTotal * i * (1 - g * g)
                        dg[3 * width + j] = dhTotal * tanhCell * o * (1 - o)
                        dc[state + j] = dcTotal * f
                    }
                }
                // dh_t = dGates_t · W_hh for rows inside their sequence; ended rows carry dh as is.
                BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: width, k: gates,
                          a: d, b: hiddenWeight.storage.pointer, c: recurrent)
                for n in 0..<rows where t < lengths[n] {
                    (dh + n * width).update(from: recurrent + n * width, count: width)
                }
            }
            var gradients: [Tensor?] = [gateGradients, nil, nil, nil]
            if context.needsGradient(1) { gradients[1] = Tensor(shape: [rows, width]) { $0.baseAddress!.update(from: dh, count: block) } }
            if context.needsGradient(2) { gradients[2] = Tensor(shape: [rows, width]) { $0.baseAddress!.update(from: dc, count: block) } }
            if context.needsGradient(3) {
                // dW_hh = Σ_t dGates_tᵀ·h_t: one GEMM over all steps (ended rows have zero dGates).
                gradients[3] = Tensor(shape: hiddenWeight.shape) { out in
                    BLAS.gemm(transposeA: true, transposeB: false, m: gates, n: width, k: steps * rows,
                              a: dGates, b: hiddens.pointer, c: out.baseAddress!)
                }
            }
            return gradients
        }
    }
}

/// The logistic function from `FastMath.exp`, so the gate loops of the LSTM and GRU recurrences
/// vectorize.
enum GateMath {
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + FastMath.exp(-x)) }
}
