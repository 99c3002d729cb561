import Foundation
import TestSupport
import XCTest
@testable import TensorCore

/// The discretized logistic mixture's kernel (Sources/CKernels, tiles of values at the CPU's vector
/// width) against the scalar definition (``DiscretizedLogistic``, beside this file, in libm's
/// functions) mixed in Double: the row's −log p and every gradient, in each instruction-set variant
/// this CPU can run (each forced in a child process with LATENT_ELEMENTWISE_ISA).
final class LogisticMixtureKernelTests: XCTestCase {
    static let childVariable = "LATENT_LOGISTIC_MIXTURE_CHILD"

    /// −log p of each value and its gradient in the op's layout, from the scalar definition.
    static func reference(parameters: [Float], levels: [Int], k: Int) -> (values: [Double], gradient: [Double]) {
        let count = levels.count
        var values = [Double](repeating: 0, count: count), gradient = [Double](repeating: 0, count: parameters.count)
        for d in 0..<count {
            let logits = (0..<k).map { Double(parameters[$0 * count + d]) }
            let largestLogit = logits.max()!
            let logNormalizer = largestLogit + Foundation.log(logits.map { Foundation.exp($0 - largestLogit) }.reduce(0, +))
            var terms: [Double] = [], parts: [(dMean: Double, dLogScale: Double)] = []
            for c in 0..<k {
                let mean = parameters[(k + c) * count + d], rawScale = parameters[(2 * k + c) * count + d]
                let component = DiscretizedLogistic.logProbability(level: levels[d], mean: mean,
                                                                   logScale: Swift.max(rawScale, DiscretizedLogistic.minimumLogScale))
                terms.append(logits[c] - logNormalizer + Double(component.value))
                parts.append((Double(component.dMean), rawScale >= DiscretizedLogistic.minimumLogScale ? Double(component.dLogScale) : 0))
            }
            let largest = terms.max()!
            let logProbability = largest + Foundation.log(terms.map { Foundation.exp($0 - largest) }.reduce(0, +))
            values[d] = -logProbability
            for c in 0..<k {
                let responsibility = Foundation.exp(terms[c] - logProbability)
                gradient[c * count + d] = Foundation.exp(logits[c] - logNormalizer) - responsibility
                gradient[(k + c) * count + d] = -responsibility * parts[c].dMean
                gradient[(2 * k + c) * count + d] = -responsibility * parts[c].dLogScale
            }
        }
        return (values, gradient)
    }

    func testKernelMatchesTheScalarDefinition() {
        if let expected = ProcessInfo.processInfo.environment[Self.childVariable] {
            XCTAssertEqual(VectorKernels.instructionSet, expected, "the child did not run the variant it was given")
        }
        // 150 values: two whole tiles of 64 and a partial one. Levels include both edges; log-scales
        // run from below the floor to so wide that the bin underflows (the density fallback), means
        // from inside [−1, 1] to far outside.
        let (k, count) = (3, 150)
        var generator = RandomGenerator(seed: 61)
        let levels = (0..<count).map { d in d % 10 == 0 ? 0 : (d % 10 == 1 ? 255 : Int(generator.nextUniform() * 256) % 256) }
        var parameters = (0..<(3 * k * count)).map { _ in generator.nextUniform() * 6 - 3 }   // logits
        for index in (k * count)..<(2 * k * count) { parameters[index] = generator.nextUniform() * 2.4 - 1.2 }   // means
        for index in (2 * k * count)..<(3 * k * count) { parameters[index] = generator.nextUniform() * 6 - 8 }   // log-scales
        for c in 0..<k { parameters[(2 * k + c) * count + 5] = 90 + 5 * Float(c) }   // value 5: every component falls back
        parameters[k * count + count + 7] = 40       // a mean far outside, value 7 of component 1
        parameters[2 * k * count + 2 * count + 9] = -30   // below the floor, value 9 of component 2
        let x = Tensor(shape: [1, 3 * k * count], scalars: parameters, requiresGradient: true)
        let data = Tensor(shape: [1, count], scalars: levels.map { Float($0) / 255 })
        let nll = x.discretizedLogisticMixtureNegativeLogLikelihood(data: data, components: k)
        let gradient = nll.sum().backward()[x]!.scalars
        let expected = Self.reference(parameters: parameters, levels: levels, k: k)
        let total = expected.values.reduce(0, +)
        // A few 1e-7 of each value's −log p, summed over 150 values.
        XCTAssertEqual(Double(nll.scalars[0]), total, accuracy: 2e-6 * expected.values.map(Swift.abs).reduce(0, +) + 1e-4,
                       "[\(VectorKernels.instructionSet)] row sum")
        var worst = (error: 0.0, index: 0)
        for (index, (got, want)) in zip(gradient, expected.gradient).enumerated() {
            let error = Swift.abs(Double(got) - want) / Swift.max(Swift.abs(want), 1e-3)
            if !(error <= worst.error) { worst = (error, index) }
        }
        XCTAssertLessThanOrEqual(worst.error, 1e-4,
                                 "[\(VectorKernels.instructionSet)] gradient \(worst.index): \(gradient[worst.index]) against \(expected.gradient[worst.index])")
    }

    func testEveryVariantTheCPUCanRunMatchesInAChildProcess() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment[Self.childVariable] != nil, "already a child")
        try ChildTest.assertPassesUnderEveryElementwiseVariant("TensorCoreTests.LogisticMixtureKernelTests/testKernelMatchesTheScalarDefinition",
                                                               childVariable: Self.childVariable)
    }
}
