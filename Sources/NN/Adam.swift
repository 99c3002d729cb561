import CKernels
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

    public func step(_ gradients: Gradients, scale: Float) {
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = learningRate / Float(1 - Foundation.pow(Double(beta1), t))
        let correction2 = Float(Foundation.sqrt(1 - Foundation.pow(Double(beta2), t)))
        let constants = latent_adam_constants(
            beta1: beta1, beta2: beta2, one_minus_beta1: 1 - beta1, one_minus_beta2: 1 - beta2,
            gradient_scale: scale, l2: decoupledWeightDecay ? 0 : weightDecay,
            shrink: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1,
            step_size: stepSize, correction: 1 / correction2, epsilon: epsilon)
        slots.forEachUpdate(gradients) { p, g, slots, range in
            // One pass over the four buffers at the CPU's vector width (CKernels: the portable
            // build's Swift vectorizes to SSE only, and this loop touches every parameter each step).
            let start = range.lowerBound
            withUnsafePointer(to: constants) { constants in
                latent_adam_update(p + start, g + start, slots[0] + start, slots[1] + start, range.count, constants)
            }
        }
    }

    public var stateTensors: [String: Tensor] { slots.named }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int, source: String) throws {
        try slots.load(tensors, source: source)
        self.stepCount = stepCount
    }
}
