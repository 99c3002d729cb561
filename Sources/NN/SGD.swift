import TensorCore

/// Stochastic gradient descent with optional momentum (PyTorch's formulation):
/// b ← μ·b + g (b = g on the first step), p ← p − lr·b, or with Nesterov p ← p − lr·(g + μ·b).
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float, momentum: Float = 0,
                nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs a positive momentum")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        slots = OptimizerSlots(parameters: parameters, slotNames: momentum > 0 ? ["momentum_buffer"] : [])
    }

    public func step(_ gradients: Gradients, scale: Float) {
        let (lr, mu, decay, nesterov) = (learningRate, momentum, weightDecay, nesterov)
        let first = stepCount == 0
        slots.forEachUpdate(gradients) { p, g, slots, range in
            for i in range {
                var gradient = g[i] * scale + decay * p[i]
                if mu > 0 {
                    let buffer = first ? gradient : mu * slots[0][i] + gradient
                    slots[0][i] = buffer
                    gradient = nesterov ? gradient + mu * buffer : buffer
                }
                p[i] -= lr * gradient
            }
        }
        stepCount += 1
    }

    public var stateTensors: [String: Tensor] { slots.named }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int, source: String) throws {
        try slots.load(tensors, source: source)
        self.stepCount = stepCount
    }
}
