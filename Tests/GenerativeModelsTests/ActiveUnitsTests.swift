import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

final class ActiveUnitsTests: XCTestCase {
    /// A hand-built encoder over 300 random inputs whose posterior mean varies in dimensions 0–3 only,
    /// with variances of about 1 (dims 0, 1), 0.05 (dim 2, just active) and 0.002 (dim 3, below the
    /// 0.01 threshold); dims 4–7 have constant means. The log-variance head varies strongly in every
    /// dimension, so counting from log-variances or from samples z (whose spread includes σ²) would
    /// find all 8 active. Expected: 3 active units, [0, 1, 2].
    func testCountsTheDimensionsWhosePosteriorMeanVaries() {
        var generator = RandomGenerator(seed: 61)
        let model = VAE(dataDimension: 20, hiddenSizes: [16], latentDimension: 8, using: &generator)
        let data = Tensor.uniform([300, 20], using: &generator)
        let hidden = withoutGradients { model.encoder(data) }.scalars.map { Double($0) }

        // Mean-head rows: a random direction scaled so that μ_d(x) has the target variance over the data.
        let targets: [Double?] = [1, 1, 0.05, 0.002, nil, nil, nil, nil]
        var weight: [Float] = []
        for target in targets {
            guard let target else { weight += [Float](repeating: 0, count: 16); continue }
            let direction = Tensor.normal([16], using: &generator).scalars.map { Double($0) }
            let projections = (0 ..< 300).map { row -> Double in
                var total = 0.0
                for unit in 0 ..< 16 { total += direction[unit] * hidden[row * 16 + unit] }
                return total
            }
            let scale = (target / SampleStatistics(projections).variance).squareRoot()
            weight += direction.map { Float($0 * scale) }
        }
        model.meanHead.weight.assign(Tensor(shape: [8, 16], scalars: weight))
        model.scaleHead.weight.assign(Tensor.normal([8, 16], standardDeviation: 3, using: &generator))

        let units = model.activeUnits(on: data, batchSize: 64)
        XCTAssertEqual(units.count, 3)
        XCTAssertEqual(units.activeDimensions, [0, 1, 2])
        XCTAssertEqual(units.threshold, 0.01)
        XCTAssertEqual(units.variances.count, 8)
        for (d, target) in targets.enumerated() {
            if let target {
                XCTAssertEqual(units.variances[d], target, accuracy: 1e-3 * target, "dimension \(d)")
            } else {
                XCTAssertLessThan(units.variances[d], 1e-12, "dimension \(d) has a constant mean")
            }
        }
    }
}
