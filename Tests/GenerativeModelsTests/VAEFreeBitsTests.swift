import NN
import TensorCore
import TestSupport
import XCTest
@testable import GenerativeModels

/// Free bits in the image VAE: the objective's KL becomes Σ_d max(λ, mean KL_d) through the one
/// KLTerm, and nothing else changes.
final class VAEFreeBitsTests: XCTestCase {
    func model() throws -> VAE {
        var generator = RandomGenerator(seed: 12)
        return try VAE(architecture: .mlp(hiddenSizes: [16]), height: 4, width: 4, latentDimension: 3, using: &generator)
    }

    func testFreeBitsOnlyChangeTheObjective() throws {
        let vae = try model()
        var data = RandomGenerator(seed: 2)
        let x = Tensor.uniform([6, 16], using: &data)
        var first = RandomGenerator(seed: 3), second = RandomGenerator(seed: 3)
        let plain = vae.loss(x, beta: 0.5, using: &first)
        let floored = vae.loss(x, beta: 0.5, freeBits: 5, using: &second)
        XCTAssertEqual(plain.kl.scalar, floored.kl.scalar)
        XCTAssertEqual(plain.reconstruction.scalar, floored.reconstruction.scalar)
        // At initialization every dimension's batch-mean KL is far below 5 nats: the penalty is 3 · 5.
        XCTAssertEqual(floored.total.scalar, floored.reconstruction.scalar + 0.5 * 15, accuracy: 1e-3)
        XCTAssertEqual(plain.total.scalar, plain.reconstruction.scalar + 0.5 * plain.kl.scalar, accuracy: 1e-4)
        // The penalty carries no gradient to a dimension below λ: the encoder's heads get only the reconstruction's.
        var third = RandomGenerator(seed: 3)
        let reconstructionOnly = vae.loss(x, beta: 0, using: &third)
        let withFloor = floored.total.backward(), without = reconstructionOnly.total.backward()
        for (name, parameter) in vae.namedParameters {
            assertClose(withFloor[parameter]?.scalars ?? [], without[parameter]?.scalars ?? [], tolerance: 1e-6, name)
        }
    }

    func testFreeBitsReachTheTrainerThroughTheObjective() throws {
        var configuration = VAEConfiguration()
        (configuration.hiddenSizes, configuration.latentDimension, configuration.imageHeight, configuration.imageWidth) = ([8], 2, 4, 4)
        configuration.freeBits = 0.5
        let trainer = try configuration.makeTrainer()
        XCTAssertEqual(trainer.settings.objective.kl.freeBits, 0.5)
        configuration.posterior = .laplace
        XCTAssertThrowsError(try configuration.makeModel()) { error in
            XCTAssert("\(error)".contains("free_bits"), "\(error)")
        }
    }
}
