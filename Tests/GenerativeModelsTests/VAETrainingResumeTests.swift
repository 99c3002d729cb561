import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// Stopping mid-epoch, checkpointing and resuming must give the same weights, bit for bit, as a
/// run that never stopped: the data order, dynamic binarization and ε all come from saved streams.
final class VAETrainingResumeTests: XCTestCase {
    func syntheticImages(count: Int) -> ImageSet {
        var generator = RandomGenerator(seed: 99)
        return ImageSet(intensities: Tensor.uniform([count * 16], using: &generator).scalars,
                        labels: (0..<count).map { $0 % 3 }, rows: 4, columns: 4)
    }

    func configuration() -> VAEConfiguration {
        var configuration = VAEConfiguration()
        configuration.hiddenSizes = [8]
        configuration.latentDimension = 2
        configuration.batchSize = 10
        configuration.epochs = 2
        configuration.pixels = .dynamicBinarization
        configuration.seed = 7
        (configuration.imageHeight, configuration.imageWidth) = (4, 4)
        return configuration
    }

    /// The conditional convolutional VAE, on 4×4 images: 4 → 2 → 1 and back.
    func conditionalConvolutionalConfiguration() -> VAEConfiguration {
        var configuration = configuration()
        configuration.architecture = .conv
        configuration.channels = [3, 5]
        configuration.conditional = true
        configuration.classCount = 3
        return configuration
    }

    func testResumingMidEpochIsBitIdentical() throws {
        try checkResumingMidEpochIsBitIdentical(configuration())
    }

    func testResumingConditionalConvolutionalVAEIsBitIdentical() throws {
        try checkResumingMidEpochIsBitIdentical(conditionalConvolutionalConfiguration())
    }

    func checkResumingMidEpochIsBitIdentical(_ configuration: VAEConfiguration) throws {
        let images = configuration.trainingData(syntheticImages(count: 95))   // 10 batches per epoch, the last one short
        let straight = try configuration.makeTrainer()
        for _ in 0..<2 {
            XCTAssertTrue(straight.trainEpoch(on: images))
            _ = straight.finishEpoch()
        }

        let interrupted = try configuration.makeTrainer()
        XCTAssertTrue(interrupted.trainEpoch(on: images))
        _ = interrupted.finishEpoch()
        var batches = 0
        XCTAssertFalse(interrupted.trainEpoch(on: images, shouldStop: { batches == 4 }) { done, _ in batches = done })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try interrupted.saveCheckpoint(to: url)

        let resumed = try configuration.makeTrainer()
        try resumed.loadCheckpoint(from: url)
        XCTAssertEqual(resumed.completedEpochs, 1)
        XCTAssertEqual(resumed.batchesDone, 4)
        XCTAssertTrue(resumed.trainEpoch(on: images))
        let resumedSums = resumed.finishEpoch()

        for ((name, a), (_, b)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
            XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern), "parameter \(name) differs after resume")
        }
        XCTAssertEqual(straight.optimizer.stepCount, resumed.optimizer.stepCount)
        XCTAssertEqual(straight.noise, resumed.noise)
        XCTAssertEqual(resumedSums.examples, 95)
    }

    /// A checkpoint of a differently shaped model is refused with the key named, and changes nothing.
    func testCheckpointOfAnotherModelIsRefused() throws {
        let images = configuration().trainingData(syntheticImages(count: 20))
        let small = try configuration().makeTrainer()
        XCTAssertTrue(small.trainEpoch(on: images))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("other-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try small.saveCheckpoint(to: url)
        var other = configuration()
        other.hiddenSizes = [9]
        let larger = try other.makeTrainer()
        let before = larger.model.parameters.map(\.scalars)
        XCTAssertThrowsError(try larger.loadCheckpoint(from: url)) { error in
            XCTAssert("\(error)".contains("encoder.0.weight"), "\(error)")
        }
        XCTAssertEqual(larger.model.parameters.map(\.scalars), before)
    }

    /// The same seed, data and configuration give the same weights, bit for bit; another seed does not.
    func testSameSeedGivesBitIdenticalTraining() throws {
        let images = configuration().trainingData(syntheticImages(count: 40))
        func trainedWeights(seed: UInt64) throws -> [UInt32] {
            var configuration = configuration()
            configuration.seed = seed
            let training = try configuration.makeTrainer()
            XCTAssertTrue(training.trainEpoch(on: images))
            return training.model.parameters.flatMap { $0.scalars.map(\.bitPattern) }
        }
        XCTAssertEqual(try trainedWeights(seed: 11), try trainedWeights(seed: 11))
        XCTAssertNotEqual(try trainedWeights(seed: 11), try trainedWeights(seed: 12))
    }
}
