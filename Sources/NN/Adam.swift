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
        // Constants as vectors: Swift's mixed scalar–vector SIMD operators compile lane by lane.
        let b1 = SIMD8<Float>(repeating: beta1), b2 = SIMD8<Float>(repeating: beta2)
        let oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2
        let l2 = SIMD8<Float>(repeating: decoupledWeightDecay ? 0 : weightDecay)
        let shrink = SIMD8<Float>(repeating: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1)
        let stepSizes = SIMD8<Float>(repeating: stepSize), correction = SIMD8<Float>(repeating: 1 / correction2)
        let eps = SIMD8<Float>(repeating: epsilon), tiny = SIMD8<Float>(repeating: 1e-30)
        let gradientScale = SIMD8<Float>(repeating: scale)
        /// The update of eight consecutive parameters, with their gradients and moments.
        @inline(__always)
        func updateEight(_ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>,
                         _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>) {
            let parameter = SIMD8<Float>.load(p)
            let gradient = SIMD8<Float>.load(g) * gradientScale + l2 * parameter
            var mean = b1 * SIMD8<Float>.load(m) + oneMinusB1 * gradient
            var square = b2 * SIMD8<Float>.load(v) + oneMinusB2 * gradient * gradient
            // A parameter whose gradient stays zero (a dead ReLU unit) has moments that decay
            // geometrically into the subnormal range, where every operation on them costs
            // ~100 cycles: that tripled epoch times by the tenth epoch. Below 1e-30 they cannot
            // change an update by more than lr·1e-22, so they are set to zero.
            mean.replace(with: 0, where: (mean .< tiny) .& (mean .> -tiny))
            square.replace(with: 0, where: square .< tiny)
            let updated = parameter * shrink - stepSizes * mean / (FastMath.squareRoot(square) * correction + eps)
            updated.store(p)
            mean.store(m)
            square.store(v)
        }
        slots.forEachUpdate(gradients) { p, g, slots, range in
            // Eight lanes at a time by hand: this loop touches every parameter each step, and the
            // compiler does not vectorize the scalar form across four possibly aliasing buffers.
            let m = slots[0], v = slots[1]
            var start = range.lowerBound
            while start + 8 <= range.upperBound {
                updateEight(p + start, g + start, m + start, v + start)
                start += 8
            }
            let tail = range.upperBound - start
            guard tail > 0 else { return }
            // The last few elements go through the same update in a zero-padded scratch block.
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 32) { scratch in
                let block = scratch.baseAddress!
                block.initialize(repeating: 0, count: 32)
                for (offset, source) in [p, g, m, v].enumerated() { (block + 8 * offset).update(from: source + start, count: tail) }
                updateEight(block, block + 8, block + 16, block + 24)
                for (offset, destination) in [(0, p), (2, m), (3, v)] { (destination + start).update(from: block + 8 * offset, count: tail) }
            }
        }
    }

    public var stateTensors: [String: Tensor] { slots.named }

    public func loadState(_ tensors: [String: Tensor], stepCount: Int, source: String) throws {
        try slots.load(tensors, source: source)
        self.stepCount = stepCount
    }
}

extension SIMD8<Float> {
    /// Eight values at `pointer`.
    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>) -> Self {
        UnsafeRawPointer(pointer).loadUnaligned(as: Self.self)
    }

    /// Writes the eight values to `pointer`.
    @inline(__always)
    func store(_ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: self, as: Self.self)
    }
}
