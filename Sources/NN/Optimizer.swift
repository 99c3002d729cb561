import TensorCore

/// Updates parameters in place from their gradients.
///
/// An optimizer is built over a module's named parameters; its per-parameter state (moments,
/// accumulators) is named `<parameter>.<slot>` so that a checkpoint can store and restore it exactly.
public protocol Optimizer: AnyObject {
    var learningRate: Float { get set }
    /// Number of `step` calls so far (Adam's bias correction depends on it).
    var stepCount: Int { get }
    /// Applies one update to every parameter that has a gradient in `gradients`, each gradient
    /// multiplied by `scale` as it is read: how clipping by the global norm reaches the update
    /// without a scaled copy of every gradient (see ``Gradients/clippingScale(maxNorm:)``).
    func step(_ gradients: Gradients, scale: Float)
    /// The optimizer's state tensors by name, for checkpoints.
    var stateTensors: [String: Tensor] { get }
    /// Restores state written by `stateTensors` and the step count; strict like module loading.
    func loadState(_ tensors: [String: Tensor], stepCount: Int, source: String) throws
}

extension Optimizer {
    /// Applies one update to every parameter that has a gradient in `gradients`.
    public func step(_ gradients: Gradients) { step(gradients, scale: 1) }
}

/// Per-parameter state slots shared by the optimizers: named zero tensors shaped like their parameters.
struct OptimizerSlots {
    let parameters: [(name: String, tensor: Tensor)]
    let slotNames: [String]
    /// slots[slot][parameter]
    let slots: [[Tensor]]

    init(parameters: [(name: String, tensor: Tensor)], slotNames: [String], initialValue: Float = 0) {
        self.parameters = parameters
        self.slotNames = slotNames
        slots = slotNames.map { _ in parameters.map { Tensor(repeating: initialValue, shape: $0.tensor.shape) } }
    }

    var named: [String: Tensor] {
        var result: [String: Tensor] = [:]
        for (slotIndex, slot) in slotNames.enumerated() {
            for (parameterIndex, parameter) in parameters.enumerated() {
                result["\(parameter.name).\(slot)"] = slots[slotIndex][parameterIndex]
            }
        }
        return result
    }

    func load(_ tensors: [String: Tensor], source: String) throws {
        let expected = named
        for (name, tensor) in expected.sorted(by: { $0.key < $1.key }) {
            guard let value = tensors[name] else { throw ModuleLoadingError.missingKey(name, source: source) }
            guard value.shape == tensor.shape else {
                throw ModuleLoadingError.shapeMismatch(name, expected: tensor.shape, found: value.shape, source: source)
            }
        }
        if let unexpected = tensors.keys.sorted().first(where: { expected[$0] == nil }) {
            throw ModuleLoadingError.unexpectedKey(unexpected, source: source)
        }
        for (name, tensor) in expected { tensor.assign(tensors[name]!) }
    }

    /// Calls `update` with raw buffers of each parameter that has a gradient, its gradient and its
    /// slots, over chunks of elements (in parallel for large parameters).
    func forEachUpdate(_ gradients: Gradients,
                       _ update: (_ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafeMutablePointer<Float>,
                                  _ slots: [UnsafeMutablePointer<Float>], _ range: Range<Int>) -> Void) {
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = gradients[parameter.tensor] else { continue }
            parameter.tensor.withUnsafeMutableBufferPointer { p in
                gradient.withUnsafeMutableBufferPointer { g in
                    let slotPointers = slots.map { slot in slot[index].withUnsafeMutableBufferPointer { $0.baseAddress! } }
                    nonisolated(unsafe) let (p, g, s) = (p.baseAddress!, g.baseAddress!, slotPointers)
                    ComputeThreads.parallelFor(parameter.tensor.elementCount) { range in update(p, g, s, range) }
                }
            }
        }
    }
}
