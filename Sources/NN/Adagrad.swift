import TensorCore

/// Adagrad (Duchi et al. 2011), the optimizer of the VAE paper: s ← s + g², p ← p − lr·g/(√s + ε).
public final class Adagrad: Optimizer {
    public var learningRate: Float
    public let epsilon: Float
    public let weightDecay: Float
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 0.01,
                initialAccumulator: Float = 0, epsilon: Float = 1e-10, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        slots = OptimizerSlots(parameters: parameters, slotNames: ["sum"], initialValue: initialAccumulator)
    }

    public func step(_ gradients: Gradients, scale: Float) {
        let (lr, eps, decay) = (learningRate, epsilon, weightDecay)
        slots.forEachUpdate(gradients) { p, g, slots, range in
            let sum = slots[0]
            for i in range {
                let gradient = g[i] * scale + decay * p[i]
                sum[i] += gradient * gradient
                p[i] -= lr * gradient / (sum[i].squareRoot() + eps)
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
