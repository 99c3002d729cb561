import Foundation
import XCTest
import TensorCore
import TestSupport
@testable import NN

/// Adam's update runs in a C kernel chosen by instruction set (Sources/CKernels/optimizer_kernels.c).
/// Every variant this CPU can run gives exactly the bits of Adam's definition written out here in
/// Swift, forced in a child process with LATENT_ELEMENTWISE_ISA.
final class AdamKernelTests: XCTestCase {
    static let childVariable = "LATENT_ADAM_KERNEL_CHILD"

    /// Adam and AdamW by their definitions, one step after `steps` earlier ones, with moments below
    /// 1e-30 set to zero.
    private func definition(parameters: [Float], gradients: [Float], means: [Float], squares: [Float],
                            step: Int, scale: Float, weightDecay: Float, decoupled: Bool) -> (p: [Float], m: [Float], v: [Float]) {
        let (lr, beta1, beta2, epsilon): (Float, Float, Float, Float) = (1e-3, 0.9, 0.999, 1e-8)
        let stepSize = lr / Float(1 - Foundation.pow(Double(beta1), Double(step)))
        let correction = 1 / Float(Foundation.sqrt(1 - Foundation.pow(Double(beta2), Double(step))))
        var (p, m, v) = (parameters, means, squares)
        for i in p.indices {
            let gradient = gradients[i] * scale + (decoupled ? 0 : weightDecay) * p[i]
            var mean = beta1 * m[i] + (1 - beta1) * gradient
            var square = beta2 * v[i] + (1 - beta2) * (gradient * gradient)
            if abs(mean) < 1e-30 { mean = 0 }
            if square < 1e-30 { square = 0 }
            p[i] = p[i] * (decoupled ? 1 - lr * weightDecay : 1) - stepSize * mean / (square.squareRoot() * correction + epsilon)
            (m[i], v[i]) = (mean, square)
        }
        return (p, m, v)
    }

    func testUpdateIsAdamsDefinitionBitForBit() {
        if let expected = ProcessInfo.processInfo.environment[Self.childVariable] {
            XCTAssertEqual(VectorKernels.instructionSet, expected, "the child did not run the variant it was given")
        }
        // 1,003 parameters: not a multiple of any vector width, so every remainder loop runs.
        var generator = RandomGenerator(seed: 12)
        let count = 1003
        var parameters = Tensor.normal([count], using: &generator).scalars
        var gradients = Tensor.normal([count], using: &generator).scalars
        var means = Tensor.normal([count], using: &generator).scalars.map { $0 * 0.01 }
        var squares = Tensor.uniform([count], using: &generator).scalars.map { $0 * 1e-4 }
        gradients[5] = 0
        // Parameter 6 (zero, so weight decay adds nothing) has moments that fall below 1e-30.
        (parameters[6], gradients[6], means[6], squares[6]) = (0, 1e-32, 1e-31, 1e-31)
        for (weightDecay, decoupled) in [(Float(0), false), (0.01, false), (0.01, true)] {
            let name = "weight decay \(weightDecay)\(decoupled ? " (AdamW)" : "")"
            let weight = Tensor(shape: [count], scalars: parameters, requiresGradient: true)
            let adam = Adam(parameters: [("w", weight)], weightDecay: weightDecay, decoupledWeightDecay: decoupled)
            // Three steps from the given moments: the third uses the bias corrections of step 3.
            try! adam.loadState(["w.exp_avg": Tensor(shape: [count], scalars: means),
                                 "w.exp_avg_sq": Tensor(shape: [count], scalars: squares)], stepCount: 2, source: "test")
            var gradientsByTensor = Gradients()
            gradientsByTensor.setGradient(Tensor(shape: [count], scalars: gradients), for: weight)
            adam.step(gradientsByTensor, scale: 0.5)
            let expected = definition(parameters: parameters, gradients: gradients, means: means, squares: squares,
                                      step: 3, scale: 0.5, weightDecay: weightDecay, decoupled: decoupled)
            XCTAssertEqual(weight.scalars, expected.p, "parameters, \(name) [\(VectorKernels.instructionSet)]")
            XCTAssertEqual(adam.stateTensors["w.exp_avg"]?.scalars, expected.m, "first moments, \(name)")
            XCTAssertEqual(adam.stateTensors["w.exp_avg_sq"]?.scalars, expected.v, "second moments, \(name)")
            XCTAssertEqual(expected.m[6], 0, "the test's tiny first moment is flushed")
            XCTAssertEqual(expected.v[6], 0, "the test's tiny second moment is flushed")
        }
    }

    func testEveryVariantTheCPUCanRunGivesTheDefinitionsBits() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment[Self.childVariable] != nil, "already a child")
        try ChildTest.assertPassesUnderEveryElementwiseVariant("NNTests.AdamKernelTests/testUpdateIsAdamsDefinitionBitForBit",
                                                               childVariable: Self.childVariable)
    }
}
