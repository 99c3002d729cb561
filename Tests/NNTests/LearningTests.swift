import Foundation
import XCTest
import TensorCore
@testable import NN

/// Small networks must actually learn: these fail if any op, VJP or optimizer is wrong.
final class LearningTests: XCTestCase {
    /// 1-32-32-1 tanh MLP fitting y = sin(x) on [−π, π] with Adam. Mean squared error must fall
    /// below 0.005 (a constant predictor scores 0.5, a straight line about 0.19).
    func testMLPFitsASine() {
        var generator = RandomGenerator(seed: 1)
        let model = Sequential([Linear(inputs: 1, outputs: 32, using: &generator), Activation(.tanh),
                                Linear(inputs: 32, outputs: 32, using: &generator), Activation(.tanh),
                                Linear(inputs: 32, outputs: 1, using: &generator)])
        let xs = (0..<64).map { -Float.pi + 2 * Float.pi * Float($0) / 63 }
        let x = Tensor(shape: [64, 1], scalars: xs)
        let y = Tensor(shape: [64, 1], scalars: xs.map { Foundation.sin($0) })
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 0.01)
        var loss: Float = .infinity
        for _ in 0..<1500 {
            let error = (model(x) - y).squared().mean()
            loss = error.scalar
            optimizer.step(error.backward())
        }
        XCTAssertLessThan(loss, 0.005)
    }

    /// XOR with a 2-8-2 ReLU network and cross-entropy; all four points must be classified right.
    func testMLPLearnsXOR() {
        var generator = RandomGenerator(seed: 2)
        let model = Sequential([Linear(inputs: 2, outputs: 8, using: &generator), Activation(.relu),
                                Linear(inputs: 8, outputs: 2, using: &generator)])
        let x = Tensor(shape: [4, 2], scalars: [0, 0, 0, 1, 1, 0, 1, 1])
        let labels = [0, 1, 1, 0]
        let optimizer = SGD(parameters: model.namedParameters, learningRate: 0.1, momentum: 0.9)
        for _ in 0..<500 { optimizer.step(model(x).crossEntropy(labels: labels).mean().backward()) }
        let logits = withoutGradients { model(x) }.scalars
        let predictions = (0..<4).map { logits[2 * $0 + 1] > logits[2 * $0] ? 1 : 0 }
        XCTAssertEqual(predictions, labels)
        XCTAssertLessThan(withoutGradients { model(x).crossEntropy(labels: labels).mean() }.scalar, 0.05)
    }
}
