import TensorCore

/// What a recurrent layer carries from one time step to the next, for a batch of N sequences:
/// the hidden state h [N, H], and for an LSTM also the cell state c [N, H].
public struct RecurrentState {
    /// h first, then any further state (c for an LSTM); each [N, H].
    public var parts: [Tensor]

    public init(parts: [Tensor]) {
        precondition(!parts.isEmpty, "RecurrentState: a state holds at least h")
        self.parts = parts
    }

    /// A GRU's (or any h-only layer's) state.
    public init(h: Tensor) { self.init(parts: [h]) }

    /// An LSTM's state.
    public init(h: Tensor, c: Tensor) { self.init(parts: [h, c]) }

    /// h, [N, H]: also the layer's output at the step that produced this state.
    public var h: Tensor { parts[0] }

    /// c, [N, H]: an LSTM's cell state. Only LSTM states have one.
    public var c: Tensor {
        precondition(parts.count == 2, "RecurrentState.c: this state has no cell state (it is not an LSTM's)")
        return parts[1]
    }

    /// The state of the chosen rows, in the given order (rows may repeat): beam search follows
    /// its surviving prefixes this way.
    public func gatherRows(_ rows: [Int]) -> RecurrentState {
        RecurrentState(parts: parts.map { $0.gatherRows(rows) })
    }
}

/// A single-layer recurrent network over time-major batches: the LSTM and the GRU.
///
/// Both keep PyTorch's parameter layout (`inputWeight` = `weight_ih_l0` and so on), so weights
/// load key for key, and both run a padded batch with per-row lengths the way PyTorch's packed
/// sequences do: past its length a row keeps its state and outputs zeros.
public protocol RecurrentLayer: Module {
    /// [G·H, E] for G gates: the input-to-gates weights, PyTorch's `weight_ih_l0`.
    var inputWeight: Tensor { get }
    /// [G·H, H]: the hidden-to-gates weights, PyTorch's `weight_hh_l0`.
    var hiddenWeight: Tensor { get }
    /// How many [N, H] tensors a state holds: 2 for an LSTM (h, c), 1 for a GRU (h).
    var statePartCount: Int { get }

    /// One time step, for decoding one token at a time.
    ///
    /// - Parameters:
    ///   - input: x_t, [N, E].
    ///   - state: the state before the step, [N, H] parts.
    /// - Returns: the state after the step; its `h` is the step's output.
    func step(_ input: Tensor, state: RecurrentState) -> RecurrentState

    /// Runs the layer over a time-major batch held in one matrix, as one fused op.
    ///
    /// - Parameters:
    ///   - inputs: [T·N, E], rows t·N ..< (t+1)·N holding step t of every sequence.
    ///   - steps: T.
    ///   - initial: the starting state; zeros when nil.
    ///   - lengths: real steps per sequence (N numbers in 0...T), or nil when all have T.
    /// - Returns: `outputs` [T·N, H] (h at each step, zero past a row's length, time-major) and
    ///   `final`, each row's state after its last real step.
    func sequence(_ inputs: Tensor, steps: Int, initial: RecurrentState?, lengths: [Int]?)
        -> (outputs: Tensor, final: RecurrentState)
}

extension RecurrentLayer {
    /// E, the width of each step's input.
    public var inputSize: Int { inputWeight.shape[1] }
    /// H, the width of the hidden state.
    public var hiddenSize: Int { hiddenWeight.shape[1] }

    /// The zero state, [N, H] parts: where a sequence starts unless told otherwise.
    public func zeroState(batchSize: Int) -> RecurrentState {
        RecurrentState(parts: (0..<statePartCount).map { _ in .zeros([batchSize, hiddenSize]) })
    }

    /// Runs the layer step by step through ``step(_:state:)``, one tape node per operation: the
    /// plain definition that the fused ``sequence(_:steps:initial:lengths:)`` is tested against.
    ///
    /// - Parameters:
    ///   - inputs: T ≥ 1 tensors [N, E]; `inputs[t]` holds step t of every sequence.
    ///   - initial: the starting state; zeros when nil.
    ///   - lengths: real steps per sequence, or nil when all have T. For t ≥ `lengths[b]`, row b
    ///     keeps its state and outputs zeros, so padding has no influence on values or gradients.
    /// - Returns: T outputs [N, H] and the final state.
    public func run(_ inputs: [Tensor], initial: RecurrentState? = nil, lengths: [Int]? = nil)
        -> (outputs: [Tensor], final: RecurrentState) {
        precondition(!inputs.isEmpty, "\(Self.self).run: no time steps given (inputs is empty)")
        let batch = inputs[0].rank == 2 ? inputs[0].shape[0] : 0
        var state = initial ?? zeroState(batchSize: batch)
        let mask = lengths.map { SequenceMask(lengths: $0, batch: batch, steps: inputs.count) }
        var outputs: [Tensor] = []
        outputs.reserveCapacity(inputs.count)
        for (t, input) in inputs.enumerated() {
            if let mask, t >= mask.longest {
                // Every row has ended: the state is carried as it is, so the step is skipped.
                outputs.append(.zeros([batch, hiddenSize]))
                continue
            }
            let next = step(input, state: state)
            guard let masks = mask?.at(step: t) else {
                state = next
                outputs.append(next.h)
                continue
            }
            // s ← m·s' + (1 − m)·s with a constant 0/1 mask: rows that ended get a zero output and
            // their old state, and no gradient reaches this step's input or weights through them.
            state = RecurrentState(parts: zip(next.parts, state.parts).map { $0 * masks.active + $1 * masks.ended })
            outputs.append(next.h * masks.active)
        }
        return (outputs, state)
    }

    /// Shape checks for one step, with messages that name the layer and what is wrong.
    func checkStep(_ input: Tensor, _ state: RecurrentState) {
        let batch = state.h.rank == 2 ? state.h.shape[0] : -1
        precondition(input.shape == [batch, inputSize],
                     "\(Self.self).step: input has shape \(input.shape), but the layer needs [\(batch), \(inputSize)] ([batch, input size], batch from the state)")
        precondition(state.parts.count == statePartCount && state.parts.allSatisfy { $0.shape == [batch, hiddenSize] },
                     "\(Self.self): the state must be \(statePartCount) tensor(s) [batch, \(hiddenSize)], got \(state.parts.map(\.shape))")
    }

    /// Shape checks for a fused sequence.
    func checkSequence(_ inputs: Tensor, steps: Int) {
        precondition(steps >= 1 && inputs.rank == 2 && inputs.shape[0] % steps == 0 && inputs.shape[1] == inputSize,
                     "\(Self.self).sequence: inputs \(inputs.shape) must be [T·N, \(inputSize)] with T = \(steps)")
    }
}

/// The parameters of a gated recurrent layer in PyTorch's layout, drawn as PyTorch draws them.
enum RecurrentParameters {
    /// W_ih [G·H, E], W_hh [G·H, H], b_ih [G·H] and b_hh [G·H] for G gates, every value from
    /// U(−1/√H, 1/√H), drawn in that order.
    static func draw(gates: Int, inputSize: Int, hiddenSize: Int, layer: String, using generator: inout RandomGenerator)
        -> (inputWeight: Tensor, hiddenWeight: Tensor, inputBias: Tensor, hiddenBias: Tensor) {
        precondition(inputSize > 0 && hiddenSize > 0,
                     "\(layer): sizes must be positive, got input \(inputSize), hidden \(hiddenSize)")
        let bound = 1 / Float(hiddenSize).squareRoot()
        func draw(_ shape: Shape) -> Tensor {
            .uniform(shape, low: -bound, high: bound, using: &generator, requiresGradient: true)
        }
        let rows = gates * hiddenSize
        return (draw([rows, inputSize]), draw([rows, hiddenSize]), draw([rows]), draw([rows]))
    }
}

/// Which rows of a padded batch are still inside their sequence at each step.
struct SequenceMask {
    let lengths: [Int]
    /// The largest length: from this step on every row has ended.
    let longest: Int

    init(lengths: [Int], batch: Int, steps: Int) {
        precondition(lengths.count == batch,
                     "recurrent layer: \(lengths.count) lengths given for a batch of \(batch) sequences")
        for (row, length) in lengths.enumerated() {
            precondition(length >= 0 && length <= steps,
                         "recurrent layer: length \(length) of sequence \(row) is outside 0...\(steps) (the number of steps)")
        }
        self.lengths = lengths
        longest = lengths.max() ?? 0
    }

    /// The masks for step t, [N, 1] each: `active` is 1 where the row is still inside its sequence
    /// and `ended` is 1 − active; nil when every row is active, so full steps pay nothing.
    func at(step t: Int) -> (active: Tensor, ended: Tensor)? {
        guard lengths.contains(where: { $0 <= t }) else { return nil }
        let active = Tensor(shape: [lengths.count, 1]) { out in
            for (row, length) in lengths.enumerated() { out[row] = t < length ? 1 : 0 }
        }
        return (active, 1 - active)
    }
}
