import Foundation
import NN
import TensorCore
@testable import GenerativeModels

/// A small VAE (784-64-8, ReLU, Bernoulli on intensities in [0, 1]) trained briefly on real
/// Fashion-MNIST images, shared by the tests that need a model whose posterior carries information.
///
/// Training takes most of the suite's time in a debug build (about 7 s), so it runs once per test
/// process, on first use. XCTest runs test methods one at a time, which makes the unsynchronized
/// cache safe.
struct TrainedFashionVAE {
    static let trainingCount = 512
    static let heldOutCount = 100
    static let steps = 100
    static let batchSize = 128

    let model: VAE
    /// [512, 784]: test-split images 0 ..< 512, the training batch.
    let trainingImages: Tensor
    /// [100, 784]: test-split images 512 ..< 612, never trained on.
    let heldOutImages: Tensor
    /// The ELBO over `trainingImages` before and after training, with the same evaluation seed.
    let elboBefore: ELBOEstimate
    let elboAfter: ELBOEstimate

    nonisolated(unsafe) private static var cached: TrainedFashionVAE?

    /// The trained model, training it on first use. Skips the calling test without the data set.
    static func shared() throws -> TrainedFashionVAE {
        if let cached { return cached }
        let trained = try train(precision: .float32)
        cached = trained
        return trained
    }

    /// A training of its own, not cached, with the GEMMs of its steps in `precision` (the ELBO
    /// before and after is measured in FP32).
    static func train(precision: GEMMPrecision) throws -> TrainedFashionVAE {
        let images = try FashionMNISTImages.testImages(count: trainingCount + heldOutCount)
        return train(on: images.slice(axis: 0, 0 ..< trainingCount),
                     heldOut: images.slice(axis: 0, trainingCount ..< trainingCount + heldOutCount), precision: precision)
    }

    /// Adam at 1e-3 for `steps` minibatches of 128, cycling through the 512 images in order
    /// (25 epochs), one ε sample per example as in SGVB.
    private static func train(on images: Tensor, heldOut: Tensor, precision: GEMMPrecision) -> TrainedFashionVAE {
        var generator = RandomGenerator(seed: 7)
        let model = VAE(dataDimension: 784, hiddenSizes: [64], latentDimension: 8, using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
        var evaluationGenerator = RandomGenerator(seed: 99)
        let before = model.evaluateELBO(on: images, using: &evaluationGenerator)
        GEMMPrecision.with(precision) {
            for step in 0 ..< steps {
                let first = (step * batchSize) % trainingCount
                let loss = model.loss(images.slice(axis: 0, first ..< first + batchSize), using: &generator)
                optimizer.step(loss.total.backward())
            }
        }
        evaluationGenerator = RandomGenerator(seed: 99)
        let after = model.evaluateELBO(on: images, using: &evaluationGenerator)
        return TrainedFashionVAE(model: model, trainingImages: images, heldOutImages: heldOut,
                                 elboBefore: before, elboAfter: after)
    }
}
