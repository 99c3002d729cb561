import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The data-set ELBO: agreement with the training loss, batching, and bits per dimension.
final class ELBOEvaluationTests: XCTestCase {
    /// One batch holding the whole data set draws the same ε as `VAE.loss`, so the evaluated
    /// reconstruction, KL and ELBO must equal the training objective's, for L = 1 and L = 3.
    func testAgreesWithTheTrainingLossOnOneBatch() {
        var generator = RandomGenerator(seed: 51)
        let model = VAE(dataDimension: 20, hiddenSizes: [16], latentDimension: 4, using: &generator)
        let data = Tensor.uniform([32, 20], using: &generator)
        for samples in [1, 3] {
            var lossGenerator = RandomGenerator(seed: 52), evaluationGenerator = RandomGenerator(seed: 52)
            let loss = withoutGradients { model.loss(data, samples: samples, using: &lossGenerator) }
            let estimate = model.evaluateELBO(on: data, samples: samples, batchSize: 500, using: &evaluationGenerator)
            XCTAssertEqual(estimate.count, 32)
            XCTAssertEqual(estimate.samples, samples)
            XCTAssertEqual(estimate.reconstruction, Double(loss.reconstruction.scalar), accuracy: 1e-3)
            XCTAssertEqual(estimate.kl, Double(loss.kl.scalar), accuracy: 1e-4)
            XCTAssertEqual(estimate.elbo, Double(loss.elbo), accuracy: 1e-3)
            XCTAssertLessThan(estimate.elbo, 0)
        }
    }

    /// Batches of 7 over 50 examples (a ragged last batch) must cover every example once: the KL,
    /// which draws nothing, equals the one-batch figure, and the ELBO is the mean of the per-example
    /// values.
    func testBatchingCoversEveryExampleOnce() {
        var generator = RandomGenerator(seed: 53)
        let model = VAE(dataDimension: 20, hiddenSizes: [16], latentDimension: 4, using: &generator)
        let data = Tensor.uniform([50, 20], using: &generator)
        let whole = model.evaluateELBO(on: data, batchSize: 500, using: &generator)
        let batched = model.evaluateELBO(on: data, batchSize: 7, using: &generator)
        XCTAssertEqual(batched.count, 50)
        XCTAssertEqual(batched.kl, whole.kl, accuracy: 1e-9 + 1e-6 * whole.kl)
        XCTAssertEqual(batched.elbo, batched.perExample.reduce(0, +) / 50, accuracy: 1e-9 * abs(batched.elbo))
        XCTAssertEqual(batched.elbo, -(batched.reconstruction + batched.kl))
    }

    /// bits/dim = −log p / (D ln 2): D·ln 2 nats is one bit per dimension.
    func testBitsPerDimension() {
        XCTAssertEqual(bitsPerDimension(logLikelihood: -784 * Foundation.log(2.0), dataDimension: 784), 1, accuracy: 1e-12)
        XCTAssertEqual(bitsPerDimension(logLikelihood: -2_000, dataDimension: 784), 3.680_4, accuracy: 1e-4)
        XCTAssertEqual(bitsPerDimension(logLikelihood: 0, dataDimension: 3), 0)
    }
}
