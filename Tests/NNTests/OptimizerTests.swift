import TestSupport
import XCTest
import TensorCore
@testable import NN

/// Three steps of each optimizer on f(p) = Σ cᵢpᵢ² + p₀p₁ with c = (1, 2, 3), from p = (1, −2, 0.5),
/// against PyTorch 2.15 (`torch.optim.X([p], ...)`, zero_grad / backward / step three times).
final class OptimizerTests: XCTestCase {
    func runThreeSteps(_ makeOptimizer: ([(name: String, tensor: Tensor)]) -> Optimizer) -> [Float] {
        let p = Tensor(shape: [3], scalars: [1, -2, 0.5], requiresGradient: true)
        let optimizer = makeOptimizer([("p", p)])
        let c = Tensor(shape: [3], scalars: [1, 2, 3])
        for _ in 0..<3 {
            let loss = (p * p * c).sum() + p.slice(axis: 0, 0..<1) * p.slice(axis: 0, 1..<2)
            optimizer.step(loss.sum().backward())
        }
        XCTAssertEqual(optimizer.stepCount, 3)
        return p.scalars
    }

    func testSGDMatchesPyTorch() {
        assertClose(runThreeSteps { SGD(parameters: $0, learningRate: 0.1) }, [0.832, -0.621, 0.032], tolerance: 2e-6)
        assertClose(runThreeSteps { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9) }, [0.706, 0.702, -0.427], tolerance: 2e-6)
        assertClose(runThreeSteps { SGD(parameters: $0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
                    [0.3145180, 0.5562809, -0.1520320], tolerance: 2e-6)
    }

    func testAdagradMatchesPyTorch() {
        assertClose(runThreeSteps { Adagrad(parameters: $0, learningRate: 0.1) }, [0.9299567, -1.7758586, 0.2908992], tolerance: 2e-6)
    }

    func testAdamAndAdamWMatchPyTorch() {
        assertClose(runThreeSteps { Adam(parameters: $0, learningRate: 0.1) }, [0.8453203, -1.7006751, 0.2048713], tolerance: 2e-6)
        assertClose(runThreeSteps { Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }, [0.8182336, -1.7005491, 0.2048713], tolerance: 2e-6)
        assertClose(runThreeSteps { Adam.adamW(parameters: $0, learningRate: 0.1, weightDecay: 0.1) }, [0.8166226, -1.6444243, 0.1934156], tolerance: 2e-6)
    }

    /// torch.nn.utils.clip_grad_norm_ on gradients (3, 4) and (12) with max 6.5: norm 13, all halved.
    func testGlobalNormClippingMatchesPyTorch() {
        let a = Tensor(shape: [2], scalars: [3, 4], requiresGradient: true)
        let b = Tensor(shape: [1], scalars: [12], requiresGradient: true)
        var gradients = ((a * a).sum() * 0.5 + (b * b).sum() * 0.5).backward()
        XCTAssertEqual(gradients.clipGlobalNorm(to: 6.5), 13, accuracy: 1e-5)
        assertClose(gradients[a]!.scalars, [1.5, 2], tolerance: 2e-6)
        assertClose(gradients[b]!.scalars, [6], tolerance: 2e-6)
        XCTAssertEqual(gradients.clipGlobalNorm(to: 100), 6.5, accuracy: 1e-5, "below the bound nothing changes")
        assertClose(gradients[b]!.scalars, [6], tolerance: 2e-6)
    }

    /// Restoring saved moments and step count continues exactly where the first run was.
    func testOptimizerStateRoundTripsExactly() throws {
        let p = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let adam = Adam(parameters: [("p", p)], learningRate: 0.1)
        adam.step((p * p).sum().backward())
        let copy = Tensor(shape: [2], scalars: p.scalars, requiresGradient: true)
        let restored = Adam(parameters: [("p", copy)], learningRate: 0.1)
        let saved = adam.stateTensors.mapValues { Tensor(shape: $0.shape, scalars: $0.scalars) }
        XCTAssertEqual(Set(saved.keys), ["p.exp_avg", "p.exp_avg_sq"])
        try restored.loadState(saved, stepCount: adam.stepCount, source: "test")
        adam.step((p * p).sum().backward())
        restored.step((copy * copy).sum().backward())
        XCTAssertEqual(p.scalars, copy.scalars)
        XCTAssertThrowsError(try restored.loadState([:], stepCount: 1, source: "state.safetensors")) { error in
            XCTAssertEqual("\(error)", "state.safetensors has no tensor named 'p.exp_avg', which the model needs.")
        }
    }

    /// Moments of a parameter whose gradient has gone to zero decay into the subnormal range, which
    /// is very slow to compute with; Adam sets them to zero instead (below 1e-30).
    func testAdamMomentsNeverBecomeSubnormal() throws {
        let p = Tensor(shape: [3], scalars: [1, 2, 3], requiresGradient: true)
        let adam = Adam(parameters: [("p", p)])
        adam.step((p * p).sum().backward())
        // m = 0.1·g·0.9ⁿ is subnormal for n between about 810 and 960.
        for _ in 0..<850 { adam.step((p * 0).sum().backward()) }
        for (name, tensor) in adam.stateTensors {
            XCTAssert(tensor.scalars.allSatisfy { $0 == 0 || $0.isNormal }, "\(name) holds subnormal values: \(tensor.scalars)")
        }
    }

    /// The scale factor PyTorch's clip_grad_norm_ applies: 6.5 / 13 for the gradients above, and 1
    /// when the norm is already within the bound.
    func testClippingScale() {
        let a = Tensor(shape: [2], scalars: [3, 4], requiresGradient: true)
        let b = Tensor(shape: [1], scalars: [12], requiresGradient: true)
        let gradients = ((a * a).sum() * 0.5 + (b * b).sum() * 0.5).backward()
        XCTAssertEqual(gradients.clippingScale(maxNorm: 6.5), 0.5, accuracy: 1e-6)
        XCTAssertEqual(gradients.clippingScale(maxNorm: 100), 1)
    }

    /// A step with the clipping scale passed in gives the same bits as clipping the gradients first
    /// and stepping on the copies, for every optimizer, over steps on which the scale changes.
    func testScaledStepEqualsStepOnClippedGradients() {
        let makers: [(String, ([(name: String, tensor: Tensor)]) -> Optimizer)] = [
            ("SGD", { SGD(parameters: $0, learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01) }),
            ("Adagrad", { Adagrad(parameters: $0, learningRate: 0.1, weightDecay: 0.01) }),
            ("Adam", { Adam(parameters: $0, learningRate: 0.1, weightDecay: 0.01) }),
            ("AdamW", { Adam.adamW(parameters: $0, learningRate: 0.1) }),
        ]
        for (name, make) in makers {
            var generator = RandomGenerator(seed: 12)
            // 21 elements: two full blocks of eight and a tail, for the vectorized updates.
            let start = Tensor.normal([3, 7], using: &generator)
            let fused = Tensor(shape: [3, 7], scalars: start.scalars, requiresGradient: true)
            let copied = Tensor(shape: [3, 7], scalars: start.scalars, requiresGradient: true)
            let (fusedOptimizer, copiedOptimizer) = (make([("w", fused)]), make([("w", copied)]))
            for step in 0..<4 {
                let target = Tensor.normal([3, 7], using: &generator) * Float(step + 1)
                func loss(_ w: Tensor) -> Tensor { ((w - target) * (w - target)).sum() }
                let gradients = loss(fused).backward()
                fusedOptimizer.step(gradients, scale: gradients.clippingScale(maxNorm: 3))
                var clipped = loss(copied).backward()
                clipped.clipGlobalNorm(to: 3)
                copiedOptimizer.step(clipped)
                XCTAssertEqual(fused.scalars, copied.scalars, "\(name), step \(step)")
            }
        }
    }
}
