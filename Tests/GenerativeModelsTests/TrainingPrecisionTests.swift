import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The trainer's GEMM precision: taken from the configuration, used for the steps and only them,
/// and recorded in config.json, where its absence means fp32.
final class TrainingPrecisionTests: XCTestCase {
    /// A small MLP VAE on 4×4 images, as the resume tests train it.
    func configuration(_ precision: GEMMPrecision?) -> VAEConfiguration {
        var configuration = VAEConfiguration()
        configuration.hiddenSizes = [8]
        configuration.latentDimension = 2
        configuration.batchSize = 10
        configuration.seed = 7
        (configuration.imageHeight, configuration.imageWidth) = (4, 4)
        configuration.precision = precision
        return configuration
    }

    func images() -> ImageSet {
        var generator = RandomGenerator(seed: 99)
        return ImageSet(intensities: Tensor.uniform([40 * 16], using: &generator).scalars, labels: Array(repeating: 0, count: 40), rows: 4, columns: 4)
    }

    /// One epoch from the same seed in fp32 and in bf16: bf16 rounds the GEMM operands, so the
    /// weights differ, yet only a little; between steps (where the progress callback, and the
    /// command line's evaluations, run) and after the epoch the precision is FP32 again.
    func testBFloat16StepsTrainOtherWeightsAndOnlyTheStepsRunInIt() throws {
        var weights: [[Float]] = []
        for precision in [GEMMPrecision.float32, .bfloat16] {
            let trainer = try configuration(precision).makeTrainer()
            XCTAssertEqual(trainer.settings.precision, precision)
            var precisionsBetweenSteps: Set<GEMMPrecision> = []
            XCTAssertTrue(trainer.trainEpoch(on: configuration(precision).trainingData(images()), progress: { _, _ in
                precisionsBetweenSteps.insert(GEMMPrecision.current)
            }))
            XCTAssertEqual(precisionsBetweenSteps, [.float32], "\(precision)")
            XCTAssertEqual(GEMMPrecision.current, .float32)
            weights.append(trainer.model.namedParameters.flatMap { $0.tensor.scalars })
        }
        let differences = zip(weights[0], weights[1]).map { abs($0 - $1) }
        XCTAssertGreaterThan(differences.max()!, 0, "bf16 trained the fp32 weights: the precision was ignored")
        XCTAssertLessThan(differences.max()!, 0.05, "4 steps in bf16 moved far from fp32's")
    }

    /// A config.json written before the record reads as fp32; a new one spells the precision.
    func testPrecisionIsRecordedAndItsAbsenceMeansFP32() throws {
        let encoded = try configuration(.bfloat16).encoded()
        XCTAssert(String(decoding: encoded, as: UTF8.self).contains(#""precision" : "bf16""#))
        XCTAssertEqual(try ConfigurationFile.decode(encoded, as: VAEConfiguration.self, source: "test").trainingPrecision, .bfloat16)
        var object = try JSONSerialization.jsonObject(with: encoded) as! [String: Any]
        object["precision"] = nil
        let old = try ConfigurationFile.decode(try JSONSerialization.data(withJSONObject: object), as: VAEConfiguration.self, source: "test")
        XCTAssertNil(old.precision)
        XCTAssertEqual(old.trainingPrecision, .float32)
        XCTAssertEqual(try old.makeTrainer().settings.precision, .float32)
    }

    /// A precision this version does not know: one sentence naming the file, the key, the value
    /// and the precisions allowed.
    func testUnknownPrecisionIsNamedWithTheAllowedOnes() throws {
        var object = try JSONSerialization.jsonObject(with: try configuration(.bfloat16).encoded()) as! [String: Any]
        object["precision"] = "fp8"
        XCTAssertThrowsError(try ConfigurationFile.decode(try JSONSerialization.data(withJSONObject: object), as: VAEConfiguration.self,
                                                          source: "run/config.json")) { error in
            XCTAssertEqual("\(error)", "The run configuration run/config.json is not valid: its precision is 'fp8', which must be one of fp32, bf16.")
        }
    }
}
