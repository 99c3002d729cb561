import TensorCore

/// A single-layer gated recurrent unit (Cho et al. 2014), in PyTorch's arithmetic and parameter
/// layout, so that `torch.nn.GRU(E, H)` weights load one to one:
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr)           reset gate
///     z = σ(W_iz x + b_iz + W_hz h + b_hz)           update gate
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate
///     h' = (1 − z) ⊙ n + z ⊙ h
///
/// The three gates are stacked along the first axis of each parameter in the order r, z, n:
/// `inputWeight` is PyTorch's `weight_ih_l0`, `hiddenWeight` its `weight_hh_l0`, `inputBias`
/// `bias_ih_l0` and `hiddenBias` `bias_hh_l0`. Unlike an LSTM's, the two biases are not
/// redundant: b_hn sits inside the reset gate's product.
///
/// Against an LSTM of the same width a GRU has three gates instead of four and no cell state, so
/// a quarter fewer recurrent parameters and FLOPs.
public final class GRU: RecurrentLayer {
    /// [3H, E]: the input-to-gates weights, gate blocks r, z, n.
    public let inputWeight: Tensor
    /// [3H, H]: the hidden-to-gates weights, gate blocks r, z, n.
    public let hiddenWeight: Tensor
    /// [3H].
    public let inputBias: Tensor
    /// [3H].
    public let hiddenBias: Tensor

    /// - Parameters:
    ///   - inputSize: E, the width of each step's input.
    ///   - hiddenSize: H, the width of the hidden state.
    ///   - generator: draws every parameter from U(−1/√H, 1/√H), as PyTorch does for its RNNs.
    public init(inputSize: Int, hiddenSize: Int, using generator: inout RandomGenerator) {
        (inputWeight, hiddenWeight, inputBias, hiddenBias) =
            RecurrentParameters.draw(gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, layer: "GRU", using: &generator)
    }

    /// 1: h alone.
    public var statePartCount: Int { 1 }

    /// One time step, for decoding one token at a time.
    ///
    /// - Parameters:
    ///   - input: x_t, [N, E].
    ///   - state: h, [N, H].
    /// - Returns: h', [N, H], also the step's output.
    public func step(_ input: Tensor, state: RecurrentState) -> RecurrentState {
        checkStep(input, state)
        let h = hiddenSize
        let fromInput = input.affine(weight: inputWeight, bias: inputBias)        // [N, 3H]
        let fromHidden = state.h.affine(weight: hiddenWeight, bias: hiddenBias)   // [N, 3H]
        let reset = (fromInput.slice(axis: 1, 0..<h) + fromHidden.slice(axis: 1, 0..<h)).sigmoid()
        let update = (fromInput.slice(axis: 1, h..<(2 * h)) + fromHidden.slice(axis: 1, h..<(2 * h))).sigmoid()
        let candidate = (fromInput.slice(axis: 1, (2 * h)..<(3 * h)) + reset * fromHidden.slice(axis: 1, (2 * h)..<(3 * h))).tanh()
        return RecurrentState(h: (1 - update) * candidate + update * state.h)
    }

    /// Runs the GRU over a time-major batch held in one matrix, through the fused
    /// `Tensor.gruRecurrence` op: the input projection of all steps is one GEMM, and the whole
    /// recurrence one tape node; the same function as the step-by-step ``run(_:initial:lengths:)``.
    ///
    /// - Parameters:
    ///   - inputs: [T·N, E], rows t·N ..< (t+1)·N holding step t of every sequence.
    ///   - steps: T.
    ///   - initial: h₀, [N, H]; zeros when nil.
    ///   - lengths: real steps per sequence (N numbers in 0...T), or nil when all have T.
    /// - Returns: `outputs` [T·N, H] (h at each step, zero past a row's length, time-major) and
    ///   `final`, h [N, H] after each row's last real step.
    public func sequence(_ inputs: Tensor, steps: Int, initial: RecurrentState?, lengths: [Int]?)
        -> (outputs: Tensor, final: RecurrentState) {
        checkSequence(inputs, steps: steps)
        let batch = inputs.shape[0] / steps
        let state = initial ?? zeroState(batchSize: batch)
        let projected = inputs.affine(weight: inputWeight, bias: inputBias)
        let packed = Tensor.gruRecurrence(projected: projected, initialHidden: state.h, hiddenWeight: hiddenWeight,
                                          hiddenBias: hiddenBias, steps: steps, lengths: lengths)
        let rows = steps * batch
        return (packed.slice(axis: 0, 0..<rows), RecurrentState(h: packed.slice(axis: 0, rows..<(rows + batch))))
    }
}
