import TensorCore

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
/// Sequences are time-major, the order the recurrence consumes them in.
public final class LSTM: RecurrentLayer {
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
        (inputWeight, hiddenWeight, inputBias, hiddenBias) =
            RecurrentParameters.draw(gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, layer: "LSTM", using: &generator)
    }

    /// 2: h and c.
    public var statePartCount: Int { 2 }

    /// One time step of the cell, for decoding one token at a time.
    ///
    /// - Parameters:
    ///   - input: x_t, [N, E].
    ///   - state: (h, c), [N, H] each.
    /// - Returns: (h', c'), [N, H] each; h' is also the step's output.
    ///
    /// Two GEMMs, one per weight: a single step has no sequence over which to amortize anything.
    public func step(_ input: Tensor, state: RecurrentState) -> RecurrentState {
        checkStep(input, state)
        let gates = input.affine(weight: inputWeight, bias: inputBias)
            + state.h.affine(weight: hiddenWeight, bias: hiddenBias)
        let h = hiddenSize
        let inputGate = gates.slice(axis: 1, 0..<h).sigmoid()
        let forgetGate = gates.slice(axis: 1, h..<(2 * h)).sigmoid()
        let candidate = gates.slice(axis: 1, (2 * h)..<(3 * h)).tanh()
        let outputGate = gates.slice(axis: 1, (3 * h)..<(4 * h)).sigmoid()
        let newCell = forgetGate * state.c + inputGate * candidate
        return RecurrentState(h: outputGate * newCell.tanh(), c: newCell)
    }

    /// Runs the LSTM over a time-major batch held in one matrix, through the fused
    /// `Tensor.lstmRecurrence` op: the input projection of all steps is one GEMM, and the whole
    /// recurrence one tape node. The same function as the step-by-step ``run(_:initial:lengths:)``,
    /// several times faster for long sequences (no per-step nodes, slices or concatenations).
    ///
    /// - Parameters:
    ///   - inputs: [T·N, E], rows t·N ..< (t+1)·N holding step t of every sequence.
    ///   - steps: T.
    ///   - initial: (h₀, c₀), [N, H] each; zeros when nil.
    ///   - lengths: real steps per sequence (N numbers in 0...T), or nil when all have T.
    /// - Returns: `outputs` [T·N, H] (h at each step, zero past a row's length, time-major) and
    ///   `final`, (h, c) [N, H] each, taken after each row's last real step.
    public func sequence(_ inputs: Tensor, steps: Int, initial: RecurrentState?, lengths: [Int]?)
        -> (outputs: Tensor, final: RecurrentState) {
        checkSequence(inputs, steps: steps)
        let batch = inputs.shape[0] / steps
        let state = initial ?? zeroState(batchSize: batch)
        let projected = inputs.affine(weight: inputWeight, bias: inputBias + hiddenBias)
        let packed = Tensor.lstmRecurrence(projected: projected, initialHidden: state.h, initialCell: state.c,
                                           hiddenWeight: hiddenWeight, steps: steps, lengths: lengths)
        let rows = steps * batch
        return (packed.slice(axis: 0, 0..<rows),
                RecurrentState(h: packed.slice(axis: 0, rows..<(rows + batch)),
                               c: packed.slice(axis: 0, (rows + batch)..<(rows + 2 * batch))))
    }
}
