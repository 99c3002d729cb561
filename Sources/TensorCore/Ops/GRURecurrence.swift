/// The recurrence of a GRU over a whole padded, time-major batch as one op with one VJP, for the
/// same reasons as ``Tensor/lstmRecurrence(projected:initialHidden:initialCell:hiddenWeight:steps:lengths:)``:
/// no per-step tape nodes or slices, one GEMM per step each way, and the hidden-weight gradient as
/// a single GEMM over all steps.
///
/// Unlike the LSTM, the hidden bias cannot be folded into the projected inputs: the reset gate
/// multiplies the hidden part of the candidate, bias included (PyTorch's GRU), so it is an operand.

extension Tensor {
    /// Runs PyTorch's GRU update over `steps` steps, gates in its order r, z, n:
    ///
    ///     r = σ(p_r + (W_hr h + b_hr))          reset gate
    ///     z = σ(p_z + (W_hz h + b_hz))          update gate
    ///     n = tanh(p_n + r ⊙ (W_hn h + b_hn))   candidate
    ///     h' = (1 − z) ⊙ n + z ⊙ h
    ///
    /// - Parameters:
    ///   - projected: [T·N, 3H], time-major (rows t·N ..< (t+1)·N are step t): the input part of the
    ///     gate pre-activations, p = x_t·W_ihᵀ + b_ih, made by one GEMM over all steps.
    ///   - initialHidden: h₀, [N, H].
    ///   - hiddenWeight: W_hh, [3H, H].
    ///   - hiddenBias: b_hh, [3H].
    ///   - lengths: real steps of each row (N numbers in 0...T), or nil for all T. Past its length
    ///     a row keeps its state and outputs zeros, so padding never affects values or gradients.
    /// - Returns: [(T + 1)·N, H]: rows t·N ..< (t+1)·N hold h after step t (zero past a row's
    ///   length), then N rows of the final h (each row's state after its last real step).
    public static func gruRecurrence(projected: Tensor, initialHidden: Tensor, hiddenWeight: Tensor, hiddenBias: Tensor,
                                     steps: Int, lengths: [Int]? = nil) -> Tensor {
        let rows = initialHidden.shape[0], width = initialHidden.shape[1], gates = 3 * width
        precondition(initialHidden.rank == 2, "gruRecurrence: h₀ \(initialHidden.shape) must be [N, H]")
        precondition(hiddenWeight.shape == [gates, width], "gruRecurrence: W_hh \(hiddenWeight.shape) must be [3H, H] = [\(gates), \(width)]")
        precondition(hiddenBias.shape == [gates], "gruRecurrence: b_hh \(hiddenBias.shape) must be [3H] = [\(gates)]")
        precondition(steps >= 1 && projected.shape == [steps * rows, gates],
                     "gruRecurrence: projected inputs \(projected.shape) must be [T·N, 3H] = [\(steps * rows), \(gates)]")
        let lengths = recurrenceLengths(lengths, rows: rows, steps: steps, op: "gruRecurrence")
        let block = rows * width
        // Saved for the VJP: r, z, n and the hidden part of the candidate (W_hn h + b_hn) per step,
        // and the states entering each step (h_t for t = 0 … T).
        let saved = TensorStorage(count: steps * rows * 4 * width)
        let hiddens = TensorStorage(count: (steps + 1) * block)
        hiddens.pointer.update(from: initialHidden.storage.pointer, count: block)
        let result = Tensor(shape: [(steps + 1) * rows, width]) { out in
            let output = out.baseAddress!
            let hiddenPart = UnsafeMutablePointer<Float>.allocate(capacity: rows * gates)
            defer { hiddenPart.deallocate() }
            for t in 0..<steps {
                let h = hiddens.pointer + t * block, nextH = h + block
                let input = projected.storage.pointer + t * rows * gates, keep = saved.pointer + t * rows * 4 * width
                for n in 0..<rows { (hiddenPart + n * gates).update(from: hiddenBias.storage.pointer, count: gates) }
                BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: gates, k: width,
                          a: h, b: hiddenWeight.storage.pointer, beta: 1, c: hiddenPart)
                for n in 0..<rows {
                    let state = n * width, out = output + t * block + state, k = keep + n * 4 * width
                    guard t < lengths[n] else {
                        (nextH + state).update(from: h + state, count: width)
                        out.update(repeating: 0, count: width)
                        k.update(repeating: 0, count: 4 * width)
                        continue
                    }
                    let p = input + n * gates, q = hiddenPart + n * gates
                    for j in 0..<width {
                        let r = GateMath.sigmoid(p[j] + q[j])
                        let z = GateMath.sigmoid(p[width + j] + q[width + j])
                        let candidate = FastMath.tanh(p[2 * width + j] + r * q[2 * width + j])
                        let next = (1 - z) * candidate + z * h[state + j]
                        (k[j], k[width + j], k[2 * width + j], k[3 * width + j]) = (r, z, candidate, q[2 * width + j])
                        nextH[state + j] = next
                        out[j] = next
                    }
                }
            }
            (output + steps * block).update(from: hiddens.pointer + steps * block, count: block)
        }
        return result.recorded(from: [projected, initialHidden, hiddenWeight, hiddenBias]) { context in
            let upstream = context.upstream.storage.pointer
            let projectedGradients = Tensor(shape: projected.shape) { $0.update(repeating: 0) }
            // Gradients of the hidden parts W_hh·h + b_hh, all steps: they feed dh, dW_hh and db_hh.
            let hiddenGradients = TensorStorage(count: steps * rows * gates)
            hiddenGradients.pointer.update(repeating: 0, count: steps * rows * gates)
            let dh = UnsafeMutablePointer<Float>.allocate(capacity: block), recurrent = UnsafeMutablePointer<Float>.allocate(capacity: block)
            defer { dh.deallocate(); recurrent.deallocate() }
            dh.update(from: upstream + steps * block, count: block)
            for t in stride(from: steps - 1, through: 0, by: -1) {
                let keep = saved.pointer + t * rows * 4 * width, h = hiddens.pointer + t * block, dOut = upstream + t * block
                let dInput = projectedGradients.storage.pointer + t * rows * gates
                let dHidden = hiddenGradients.pointer + t * rows * gates
                for n in 0..<rows where t < lengths[n] {
                    let state = n * width, k = keep + n * 4 * width
                    let di = dInput + n * gates, dq = dHidden + n * gates
                    for j in 0..<width {
                        let (r, z, candidate, hiddenCandidate) = (k[j], k[width + j], k[2 * width + j], k[3 * width + j])
                        let dhTotal = dh[state + j] + dOut[state + j]
                        let dCandidate = dhTotal * (1 - z) * (1 - candidate * candidate)
                        let dReset = dCandidate * hiddenCandidate * r * (1 - r)
                        let dUpdate = dhTotal * (h[state + j] - candidate) * z * (1 - z)
                        (di[j], di[width + j], di[2 * width + j]) = (dReset, dUpdate, dCandidate)
                        (dq[j], dq[width + j], dq[2 * width + j]) = (dReset, dUpdate, dCandidate * r)
                        dh[state + j] = dhTotal * z
                    }
                }
                // dh_t = z ⊙ dh' + dHidden_t · W_hh for rows inside their sequence; ended rows carry dh as is.
                BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: width, k: gates,
                          a: dHidden, b: hiddenWeight.storage.pointer, c: recurrent)
                for n in 0..<rows where t < lengths[n] {
                    for j in 0..<width { dh[n * width + j] += recurrent[n * width + j] }
                }
            }
            var gradients: [Tensor?] = [projectedGradients, nil, nil, nil]
            if context.needsGradient(1) { gradients[1] = Tensor(shape: [rows, width]) { $0.baseAddress!.update(from: dh, count: block) } }
            if context.needsGradient(2) {
                // dW_hh = Σ_t dHidden_tᵀ·h_t: one GEMM over all steps (ended rows have zero dHidden).
                gradients[2] = Tensor(shape: hiddenWeight.shape) { out in
                    BLAS.gemm(transposeA: true, transposeB: false, m: gates, n: width, k: steps * rows,
                              a: hiddenGradients.pointer, b: hiddens.pointer, c: out.baseAddress!)
                }
            }
            if context.needsGradient(3) {
                gradients[3] = Tensor(shape: hiddenBias.shape) { out in
                    out.update(repeating: 0)
                    for row in 0..<(steps * rows) {
                        let dq = hiddenGradients.pointer + row * gates
                        for g in 0..<gates { out[g] += dq[g] }
                    }
                }
            }
            return gradients
        }
    }
}
