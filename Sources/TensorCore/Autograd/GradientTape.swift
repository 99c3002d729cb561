/// Reverse-mode differentiation by a runtime tape.
///
/// Every op that reads a differentiable tensor records a ``GradientNode`` on its output: the inputs
/// and a vector–Jacobian product (VJP) that maps the output's gradient to the inputs' gradients.
/// The nodes form a graph that hangs off the final tensor (usually a scalar loss) and is freed when
/// that tensor is, or as `backward()` consumes it.

/// What a VJP receives: the gradient flowing into the op's output, the output itself (so that, say,
/// `exp` and `sigmoid` can reuse it; closures must never capture the output, or the graph would
/// keep itself alive), and which inputs need a gradient at all.
public struct BackwardContext {
    /// ∂loss/∂output, with the output's shape.
    public let upstream: Tensor
    /// The value the op produced.
    public let output: Tensor
    let inputsNeedingGradient: [Bool]

    /// Whether input `index` needs a gradient; a VJP skips the work for inputs that do not.
    public func needsGradient(_ index: Int) -> Bool { inputsNeedingGradient[index] }
}

/// One recorded op: its inputs and the VJP that returns one gradient (or nil) per input.
final class GradientNode {
    let inputs: [Tensor]
    let vjp: (BackwardContext) -> [Tensor?]

    init(inputs: [Tensor], vjp: @escaping (BackwardContext) -> [Tensor?]) {
        self.inputs = inputs
        self.vjp = vjp
    }
}

/// Whether ops record themselves. Task-local, so a no-gradient scope in one task never switches
/// recording off in another.
public enum GradientTape {
    @TaskLocal public static var isRecording = true
}

/// Runs `body` without recording: for evaluation and sampling, where no backward pass follows.
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    try GradientTape.$isRecording.withValue(false) { try body() }
}

extension Tensor {
    /// Attaches the VJP of the op that produced `self` from `inputs`, when recording and when some
    /// input is differentiable. Returns `self`, so ops can end with `return result.recorded(...)`.
    @discardableResult
    func recorded(from inputs: [Tensor], vjp: @escaping (BackwardContext) -> [Tensor?]) -> Tensor {
        guard GradientTape.isRecording, inputs.contains(where: { $0.isDifferentiable }) else { return self }
        gradientNode = GradientNode(inputs: inputs, vjp: vjp)
        return self
    }
}

/// Gradients of a loss with respect to the variables (`requiresGradient` leaves) it depends on.
public struct Gradients {
    private var entries: [ObjectIdentifier: (variable: Tensor, gradient: Tensor)] = [:]

    /// No gradients yet; ``setGradient(_:for:)`` adds them (for gradients summed across processes).
    public init() {}

    /// ∂loss/∂variable, or nil when the loss does not depend on `variable`.
    public subscript(variable: Tensor) -> Tensor? {
        entries[ObjectIdentifier(variable)]?.gradient
    }

    /// Number of variables that received a gradient.
    public var count: Int { entries.count }

    /// The variables and their gradients, in no particular order.
    public var all: [(variable: Tensor, gradient: Tensor)] { Array(entries.values) }

    /// The same variables with each gradient transformed, for clipping and scaling.
    public func mapGradients(_ transform: (Tensor) -> Tensor) -> Gradients {
        var result = Gradients()
        for (variable, gradient) in entries.values { result.set(transform(gradient), for: variable) }
        return result
    }

    mutating func set(_ gradient: Tensor, for variable: Tensor) {
        entries[ObjectIdentifier(variable)] = (variable, gradient)
    }

    /// Sets ∂loss/∂variable; the gradient has the variable's shape.
    public mutating func setGradient(_ gradient: Tensor, for variable: Tensor) {
        precondition(gradient.shape == variable.shape, "Gradients: a gradient of shape \(gradient.shape) for a variable of shape \(variable.shape)")
        set(gradient, for: variable)
    }
}

extension Tensor {
    /// Back-propagates from this tensor and returns the gradients of every variable it depends on.
    ///
    /// A non-scalar tensor needs an explicit `seed` (the upstream gradient, same shape). The graph is
    /// consumed: nodes are released as they are processed, so intermediate buffers are freed early
    /// and a second `backward()` through the same graph sees no nodes.
    ///
    /// `variableIsDone(variable, gradient)`, when given, is called for each variable as soon as its
    /// gradient is complete (its last consumer's VJP has run), while backward goes on: how data
    /// parallel training starts summing early gradients across processes during the rest of backward.
    public func backward(seed: Tensor? = nil, whenVariableIsDone variableIsDone: ((Tensor, Tensor) -> Void)? = nil) -> Gradients {
        precondition(seed != nil || elementCount == 1,
                     "backward(): a tensor of shape \(shape) needs an explicit seed gradient")
        if let seed {
            precondition(seed.shape == shape, "backward(): seed shape \(seed.shape) does not match \(shape)")
        }
        let start = seed ?? Tensor(repeating: 1, shape: shape)
        var result = Gradients()
        if requiresGradient { result.set(start, for: self) }
        guard gradientNode != nil else { return result }

        var pending = GradientAccumulator()
        pending.add(start, for: self)
        // VJPs compute with plain tensors: nothing they do is itself recorded.
        let order = Tensor.reverseTopologicalOrder(from: self)
        // The variables each node reads, and each variable's consumers still to run, when asked to
        // report variables as they are done.
        func variables(of tensor: Tensor) -> [Tensor] {
            tensor.gradientNode!.inputs.filter { $0.gradientNode == nil && $0.requiresGradient }
        }
        var consumersLeft: [ObjectIdentifier: Int] = [:]
        if variableIsDone != nil {
            for tensor in order {
                for variable in variables(of: tensor) { consumersLeft[ObjectIdentifier(variable), default: 0] += 1 }
            }
        }
        withoutGradients {
            for tensor in order {
                guard let variableIsDone else {
                    tensor.propagate(into: &pending)
                    continue
                }
                let read = variables(of: tensor)
                tensor.propagate(into: &pending)
                for variable in read {
                    let key = ObjectIdentifier(variable)
                    consumersLeft[key]! -= 1
                    if consumersLeft[key] == 0, let gradient = pending.peek(for: variable) { variableIsDone(variable, gradient) }
                }
            }
        }
        for (variable, gradient) in pending.remainingVariables() { result.set(gradient, for: variable) }
        return result
    }

    /// Runs this tensor's VJP on the gradient it has accumulated and passes the results to its
    /// inputs, then drops the node so the graph behind it can be freed.
    private func propagate(into pending: inout GradientAccumulator) {
        guard let node = gradientNode else { return }
        gradientNode = nil
        guard let upstream = pending.take(for: self) else { return }
        let needs = node.inputs.map(\.isDifferentiable)
        let inputGradients = node.vjp(BackwardContext(upstream: upstream, output: self, inputsNeedingGradient: needs))
        precondition(inputGradients.count == node.inputs.count, "a VJP returned the wrong number of gradients")
        for (input, gradient) in zip(node.inputs, inputGradients) {
            guard let gradient, input.isDifferentiable else { continue }
            precondition(gradient.shape == input.shape,
                         "a VJP gave a gradient of shape \(gradient.shape) for an input of shape \(input.shape)")
            pending.add(gradient, for: input)
        }
    }

    /// Tensors with nodes, each after every tensor that consumes it: the order backward visits them.
    /// Iterative depth-first search, so long recurrent graphs cannot overflow the stack.
    private static func reverseTopologicalOrder(from root: Tensor) -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(tensor: Tensor, expanded: Bool)] = [(root, false)]
        while let (tensor, expanded) = stack.popLast() {
            if expanded { order.append(tensor); continue }
            guard let node = tensor.gradientNode, visited.insert(ObjectIdentifier(tensor)).inserted else { continue }
            stack.append((tensor, true))
            for input in node.inputs where input.gradientNode != nil && !visited.contains(ObjectIdentifier(input)) {
                stack.append((input, false))
            }
        }
        return order.reversed()
    }
}

/// Sums the gradient contributions a tensor receives from each of its consumers.
private struct GradientAccumulator {
    private var sums: [ObjectIdentifier: (tensor: Tensor, gradient: Tensor, owned: Bool)] = [:]

    mutating func add(_ gradient: Tensor, for tensor: Tensor) {
        let key = ObjectIdentifier(tensor)
        guard let existing = sums[key] else {
            sums[key] = (tensor, gradient, false)
            return
        }
        // The first contribution may be shared with another node (a VJP can pass its upstream
        // through), so it is only added into in place once this accumulator made its own copy.
        if existing.owned {
            Kernels.addInPlace(existing.gradient.storage.buffer, gradient.storage.buffer)
            return
        }
        let sum = Tensor(shape: gradient.shape) { out in
            Kernels.add(existing.gradient.storage.buffer, gradient.storage.buffer, into: out)
        }
        sums[key] = (tensor, sum, true)
    }

    func peek(for tensor: Tensor) -> Tensor? {
        sums[ObjectIdentifier(tensor)]?.gradient
    }

    mutating func take(for tensor: Tensor) -> Tensor? {
        sums.removeValue(forKey: ObjectIdentifier(tensor))?.gradient
    }

    func remainingVariables() -> [(Tensor, Tensor)] {
        sums.values.filter { $0.tensor.requiresGradient }.map { ($0.tensor, $0.gradient) }
    }
}
