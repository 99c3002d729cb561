import XCTest
import TensorCore
@testable import NN

final class TwoTower: Module {
    let encoder: Sequential
    let heads: [Linear]
    let scale: Tensor
    let notAParameter = Tensor.ones([3])

    init(using generator: inout RandomGenerator) {
        encoder = Sequential([Linear(inputs: 4, outputs: 3, using: &generator), Activation(.relu),
                              Linear(inputs: 3, outputs: 2, bias: false, using: &generator)])
        heads = [Linear(inputs: 2, outputs: 1, using: &generator), Linear(inputs: 2, outputs: 1, using: &generator)]
        scale = Tensor(repeating: 1, shape: [1], requiresGradient: true)
    }
}

final class ModuleTests: XCTestCase {
    func testParametersAreNamedByPropertyPath() {
        var generator = RandomGenerator(seed: 1)
        let model = TwoTower(using: &generator)
        XCTAssertEqual(model.namedParameters.map(\.name),
                       ["encoder.0.weight", "encoder.0.bias", "encoder.2.weight",
                        "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias", "scale"])
        XCTAssertEqual(model.parameterCount, 12 + 3 + 6 + 2 + 1 + 2 + 1 + 1)
    }

    func testStrictLoadingNamesTheKeyAtFaultAndChangesNothing() throws {
        var generator = RandomGenerator(seed: 1)
        let model = TwoTower(using: &generator)
        let before = model.parameters.map(\.scalars)
        var values = model.parameterDictionary.mapValues { Tensor(shape: $0.shape, scalars: $0.scalars.map { $0 + 1 }) }

        var missing = values
        missing["heads.1.bias"] = nil
        XCTAssertThrowsError(try model.loadParameters(missing, source: "run/checkpoint.safetensors")) { error in
            XCTAssertEqual(error as? ModuleLoadingError, .missingKey("heads.1.bias", source: "run/checkpoint.safetensors"))
            XCTAssert("\(error)".contains("'heads.1.bias'"))
        }
        var extra = values
        extra["decoder.0.weight"] = Tensor.zeros([1])
        XCTAssertThrowsError(try model.loadParameters(extra)) { error in
            XCTAssertEqual(error as? ModuleLoadingError, .unexpectedKey("decoder.0.weight", source: "the checkpoint"))
        }
        var misshapen = values
        misshapen["encoder.0.weight"] = Tensor.zeros([4, 3])
        XCTAssertThrowsError(try model.loadParameters(misshapen)) { error in
            XCTAssertEqual("\(error)", "the checkpoint has tensor 'encoder.0.weight' with shape [4, 3], but the model needs [3, 4].")
        }
        XCTAssertEqual(model.parameters.map(\.scalars), before, "a failed load must leave the parameters untouched")

        try model.loadParameters(values)
        XCTAssertEqual(model.parameters.map(\.scalars), before.map { $0.map { $0 + 1 } })
        values["scale"] = nil
    }

    func testLinearDefaultInitializationHasPyTorchBounds() {
        var generator = RandomGenerator(seed: 4)
        let layer = Linear(inputs: 400, outputs: 300, using: &generator)
        let bound = 1 / Float(400).squareRoot()
        let weights = layer.weight.scalars
        XCTAssert(weights.allSatisfy { Swift.abs($0) <= bound })
        XCTAssertGreaterThan(weights.map(Swift.abs).max()!, 0.99 * bound, "uniform draws should reach the bound")
        let he = Initializer.heNormal.make([300, 400], using: &generator).scalars
        let variance = he.map { $0 * $0 }.reduce(0, +) / Float(he.count)
        XCTAssertEqual(variance, 2 / 400, accuracy: 0.0002)
    }
}
