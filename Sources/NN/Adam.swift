import Foundation
import TensorCore

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), in PyTorch's arithmetic:
/// m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε).
///
/// Weight decay is an L2 term added to the gradient for Adam, and a decoupled shrink
/// p ← p·(1 − lr·λ) before the update for AdamW.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public let weightDecay: Float
    /// True for AdamW's decoupled weight decay.
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    private let slots: OptimizerSlots

    public init(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        slots = OptimizerSlots(parameters: parameters, slotNames: ["exp_avg", "exp_avg_sq"])
    }

    /// AdamW with PyTorch's default weight decay of 0.01.
    public static func adamW(parameters: [(name: String, tensor: Tensor)], learningRate: Float = 1e-3,
                             weightDecay: Float = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step(_ gradients: Gradients) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = learningRate / Float(1 - Foundation.pow(Double(beta1), t))
        let correction2 = Float(Foundation.sqrt(1 - Foundation.pow(Double(beta2), t)))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        let l2 = decoupledWeightDecay ? 0 : weightDecay
        let shrink = decoupledWeightDecay ? 1 - learningRate * weightDecay : 1
        slots.forEachUpdate(gradients) { p, g, slots, range in
            let m = slots[0], v = slots[1]
            for i in range {
                let gradient = g[i] + l2 * p[i]
                m[i] = b1 * m[i] + (1 - b1) * gradient
                v[i] = b2 * v[i] + (1 - b2) * gradient * gradient
                p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
            }
        }
    }

    public var stateTensors: [String: Tensor] { slots.named }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int, source: String) throws {
        try slots.load(tensors, source: source)
        self.stepCount = stepCount
    }
}
