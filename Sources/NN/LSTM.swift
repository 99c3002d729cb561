import TensorCore

/// What an LSTM carries from one time step to the next: the hidden state `h` and the cell state
/// `c`, each [B, H] for a batch of B sequences.
public typealias LSTMState = (h: Tensor, c: Tensor)

/// A single-layer long short-term memory network (Hochreiter & Schmidhuber), in PyTorch's
/// arithmetic and parameter layout, so that `torch.nn.LSTM(E, H)` weights load one to one:
///
///     i = σ(W_ii x + b_ii + W_hi h + b_hi)        input gate
///     f = σ(W_if x + b_if + W_hf h + b_hf)        forget gate
///     g = tanh(W_ig x + b_ig + W_hg h + b_hg)     candidate cell
///     o = σ(W_io x + b_io + W_ho h + b_ho)        output gate
///     c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
///
/// The four gates are stacked along the first axis of each parameter in the order i, f, g, o:
/// `inputWeight` is PyTorch's `weight_ih_l0`, `hiddenWeight` its `weight_hh_l0`, `inputBias`
/// `bias_ih_l0` and `hiddenBias` `bias_hh_l0`. The two biases are redundant (only their sum
/// matters) but both are kept so that checkpoints map key for key.
///
/// Sequences are time-major: a batch of B sequences of length T is T tensors [B, E], one per step,
/// which is the order the recurrence consumes them in.
public final class LSTM: Module {
    /// [4H, E]: the input-to-gates weights, gate blocks i, f, g, o.
    public let inputWeight: Tensor
    /// [4H, H]: the hidden-to-gates weights, gate blocks i, f, g, o.
    public let hiddenWeight: Tensor
    /// [4H].
    public let inputBias: Tensor
    /// [4H].
    public let hiddenBias: Tensor

    /// - Parameters:
    ///   - inputSize: E, the width of each step's input.
    ///   - hiddenSize: H, the width of the hidden and cell states.
    ///   - generator: draws every parameter from U(−1/√H, 1/√H), as PyTorch does for its RNNs.
    public init(inputSize: Int, hiddenSize: Int, using generator: inout RandomGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0,
                     "LSTM: sizes must be positive, got input \(inputSize), hidden \(hiddenSize)")
        let bound = 1 / Float(hiddenSize).squareRoot()
        func draw(_ shape: Shape) -> Tensor {
            .uniform(shape, low: -bound, high: bound, using: &generator, requiresGradient: true)
        }
        inputWeight = draw([4 * hiddenSize, inputSize])
        hiddenWeight = draw([4 * hiddenSize, hiddenSize])
        inputBias = draw([4 * hiddenSize])
        hiddenBias = draw([4 * hiddenSize])
    }

    /// E, the width of each step's input.
    public var inputSize: Int { inputWeight.shape[1] }
    /// H, the width of the hidden and cell states.
    public var hiddenSize: Int { hiddenWeight.shape[1] }

    /// h = c = 0, [batchSize, H] each: the state a sequence starts from unless told otherwise.
    public func zeroState(batchSize: Int) -> LSTMState {
        (.zeros([batchSize, hiddenSize]), .zeros([batchSize, hiddenSize]))
    }

    /// One time step of the cell, for decoding one token at a time.
    ///
    /// - Parameters:
    ///   - input: x_t, [B, E].
    ///   - state: (h, c), [B, H] each.
    /// - Returns: (h', c'), [B, H] each; h' is also the step's output.
    ///
    /// Two GEMMs, one per weight: a single step has no sequence over which to amortize fusing the
    /// weights, as ``run(_:initial:lengths:)`` does.
    public func step(_ input: Tensor, state: LSTMState) -> LSTMState {
        checkStep(input, state, step: nil)
        let gates = input.affine(weight: inputWeight, bias: inputBias)
            + state.h.affine(weight: hiddenWeight, bias: hiddenBias)
        return Self.cellUpdate(gates: gates, cell: state.c, hiddenSize: hiddenSize)
    }

    /// Runs the LSTM over a batch of sequences, time-major.
    ///
    /// - Parameters:
    ///   - inputs: T ≥ 1 tensors [B, E]; `inputs[t]` holds step t of every sequence.
    ///   - initial: (h₀, c₀), [B, H] each; zeros when nil.
    ///   - lengths: the number of real steps of each sequence (B numbers in 0...T), when the batch
    ///     is padded to length T; nil when every sequence has length T. For t ≥ `lengths[b]`, row b
    ///     keeps its state unchanged and outputs zeros, so `final` holds each row's state after its
    ///     last real step and padding has no influence on values or gradients (as PyTorch's packed
    ///     sequences behave).
    /// - Returns: `outputs`, T tensors [B, H] (h at each step, zero past a row's length), and
    ///   `final`, (h, c) [B, H] each.
    public func run(_ inputs: [Tensor], initial: LSTMState? = nil, lengths: [Int]? = nil)
        -> (outputs: [Tensor], final: LSTMState) {
        precondition(!inputs.isEmpty, "LSTM.run: no time steps given (inputs is empty)")
        let batch = inputs[0].rank == 2 ? inputs[0].shape[0] : 0
        var state = initial ?? zeroState(batchSize: batch)
        for (t, input) in inputs.enumerated() { checkStep(input, state, step: t) }
        let mask = lengths.map { SequenceMask(lengths: $0, batch: batch, steps: inputs.count) }

        // Fused once per sequence, not once per step: each step then makes a single GEMM,
        // [x_t, h]·[W_ih, W_hh]ᵀ + (b_ih + b_hh), and the gradients of the fused tensors flow back
        // to the four parameters through one concatenation and one sum per sequence.
        let fusedWeight = Tensor.concatenate([inputWeight, hiddenWeight], axis: 1)   // [4H, E + H]
        let fusedBias = inputBias + hiddenBias                                      // [4H]

        var outputs: [Tensor] = []
        outputs.reserveCapacity(inputs.count)
        for (t, input) in inputs.enumerated() {
            if let mask, t >= mask.longest {
                // Every row has ended: the state is carried as it is, so the step is skipped.
                outputs.append(.zeros([batch, hiddenSize]))
                continue
            }
            let gates = Tensor.concatenate([input, state.h], axis: 1).affine(weight: fusedWeight, bias: fusedBias)
            let next = Self.cellUpdate(gates: gates, cell: state.c, hiddenSize: hiddenSize)
            guard let masks = mask?.at(step: t) else {
                state = next
                outputs.append(next.h)
                continue
            }
            // h ← m·h' + (1 − m)·h with a constant 0/1 mask: rows that ended get a zero output and
            // their old state, and no gradient reaches this step's input or weights through them.
            let output = next.h * masks.active
            state = (output + state.h * masks.ended, next.c * masks.active + state.c * masks.ended)
            outputs.append(output)
        }
        return (outputs, state)
    }

    /// Runs the LSTM over a time-major batch held in one matrix, through the fused
    /// `Tensor.lstmRecurrence` op: the input projection of all steps is one GEMM, and the whole
    /// recurrence one tape node. The same arithmetic as ``run(_:initial:lengths:)``, several times
    /// faster for long sequences (no per-step nodes, slices or concatenations).
    ///
    /// - Parameters:
    ///   - inputs: [T·N, E], rows t·N ..< (t+1)·N holding step t of every sequence.
    ///   - steps: T.
    ///   - initial: (h₀, c₀), [N, H] each; zeros when nil.
    ///   - lengths: real steps per sequence, as for ``run(_:initial:lengths:)``.
    /// - Returns: `outputs` [T·N, H] (h at each step, zero past a row's length, time-major) and
    ///   `final`, (h, c) [N, H] each, taken after each row's last real step.
    public func sequence(_ inputs: Tensor, steps: Int, initial: LSTMState? = nil, lengths: [Int]? = nil)
        -> (outputs: Tensor, final: LSTMState) {
        precondition(steps >= 1 && inputs.rank == 2 && inputs.shape[0] % steps == 0 && inputs.shape[1] == inputSize,
                     "LSTM.sequence: inputs \(inputs.shape) must be [T·N, \(inputSize)] with T = \(steps)")
        let batch = inputs.shape[0] / steps
        let state = initial ?? zeroState(batchSize: batch)
        let projected = inputs.affine(weight: inputWeight, bias: inputBias + hiddenBias)
        let packed = Tensor.lstmRecurrence(projected: projected, initialHidden: state.h, initialCell: state.c,
                                           hiddenWeight: hiddenWeight, steps: steps, lengths: lengths)
        let rows = steps * batch
        return (packed.slice(axis: 0, 0..<rows),
                (packed.slice(axis: 0, rows..<(rows + batch)), packed.slice(axis: 0, (rows + batch)..<(rows + 2 * batch))))
    }

    /// The gate nonlinearities and the state update, from pre-activations [B, 4H] in blocks
    /// i, f, g, o and the cell state c [B, H]; returns (h', c').
    static func cellUpdate(gates: Tensor, cell: Tensor, hiddenSize h: Int) -> LSTMState {
        let inputGate = gates.slice(axis: 1, 0..<h).sigmoid()
        let forgetGate = gates.slice(axis: 1, h..<(2 * h)).sigmoid()
        let candidate = gates.slice(axis: 1, (2 * h)..<(3 * h)).tanh()
        let outputGate = gates.slice(axis: 1, (3 * h)..<(4 * h)).sigmoid()
        let newCell = forgetGate * cell + inputGate * candidate
        return (outputGate * newCell.tanh(), newCell)
    }

    /// Shape checks with messages that name the step at fault.
    private func checkStep(_ input: Tensor, _ state: LSTMState, step: Int?) {
        let place = step.map { "LSTM: input at step \($0)" } ?? "LSTM.step: input"
        let batch = state.h.rank == 2 ? state.h.shape[0] : -1
        precondition(input.shape == [batch, inputSize],
                     "\(place) has shape \(input.shape), but the LSTM needs [\(batch), \(inputSize)] ([batch, input size], batch from the state)")
        precondition(state.h.shape == [batch, hiddenSize] && state.c.shape == [batch, hiddenSize],
                     "LSTM: state h \(state.h.shape) and c \(state.c.shape) must both be [batch, \(hiddenSize)]")
    }
}

/// Which rows of a padded batch are still inside their sequence at each step.
struct SequenceMask {
    let lengths: [Int]
    /// The largest length: from this step on every row has ended.
    let longest: Int

    init(lengths: [Int], batch: Int, steps: Int) {
        precondition(lengths.count == batch,
                     "LSTM: \(lengths.count) lengths given for a batch of \(batch) sequences")
        for (row, length) in lengths.enumerated() {
            precondition(length >= 0 && length <= steps,
                         "LSTM: length \(length) of sequence \(row) is outside 0...\(steps) (the number of steps)")
        }
        self.lengths = lengths
        longest = lengths.max() ?? 0
    }

    /// The masks for step t, [B, 1] each: `active` is 1 where the row is still inside its sequence
    /// and `ended` is 1 − active; nil when every row is active, so full steps pay nothing.
    func at(step t: Int) -> (active: Tensor, ended: Tensor)? {
        guard lengths.contains(where: { $0 <= t }) else { return nil }
        let active = Tensor(shape: [lengths.count, 1]) { out in
            for (row, length) in lengths.enumerated() { out[row] = t < length ? 1 : 0 }
        }
        return (active, 1 - active)
    }
}
