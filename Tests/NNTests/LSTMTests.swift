import TestSupport
import XCTest
import TensorCore
@testable import NN

final class LSTMTests: XCTestCase {
    /// An LSTM with E = 3, H = 3 and a batch of T = 4 steps × B = 2 rows, inputs and initial state
    /// drawn as variables so that gradients reach them too.
    struct Fixture {
        let lstm: LSTM
        let inputs: [Tensor]
        let initial: RecurrentState
        /// Fixed random weights for the checked scalar: one per output step, then h and c.
        let outputWeights: [Tensor]
        let finalWeights: (h: Tensor, c: Tensor)

        init(seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            lstm = LSTM(inputSize: 3, hiddenSize: 3, using: &generator)
            inputs = (0..<4).map { _ in Tensor.normal([2, 3], using: &generator, requiresGradient: true) }
            initial = RecurrentState(h: Tensor.normal([2, 3], standardDeviation: 0.5, using: &generator, requiresGradient: true),
                                     c: Tensor.normal([2, 3], standardDeviation: 0.5, using: &generator, requiresGradient: true))
            outputWeights = (0..<4).map { _ in Tensor.uniform([2, 3], low: -1, high: 1, using: &generator) }
            finalWeights = (Tensor.uniform([2, 3], low: -1, high: 1, using: &generator),
                            Tensor.uniform([2, 3], low: -1, high: 1, using: &generator))
        }

        /// Every step's output, then h_T and c_T, stacked into [6·2, 3]: what the gradient checks hand
        /// to `CentralDifferences`, which weighs each element with its own random weight.
        func stackedResults(lengths: [Int]? = nil) -> Tensor {
            let (outputs, final) = lstm.run(inputs, initial: initial, lengths: lengths)
            return Tensor.concatenate(outputs + [final.h, final.c], axis: 0)
        }

        /// Σ_t ⟨W_t, output_t⟩ + ⟨W_h, h_T⟩ + ⟨W_c, c_T⟩: distinct weights, so a gradient that is
        /// wrong for one step or one of the two states cannot hide behind a uniform upstream.
        func loss(lengths: [Int]? = nil) -> Tensor {
            let (outputs, final) = lstm.run(inputs, initial: initial, lengths: lengths)
            let terms = zip(outputs, outputWeights).map { ($0 * $1).sum() }
                + [(final.h * finalWeights.h).sum(), (final.c * finalWeights.c).sum()]
            return terms.dropFirst().reduce(terms[0], +)
        }

        var variables: [(name: String, tensor: Tensor)] {
            inputs.enumerated().map { ("inputs[\($0.offset)]", $0.element) }
                + [("h0", initial.h), ("c0", initial.c)] + lstm.namedParameters
        }
    }

    func testParametersHavePyTorchNamesShapesAndBounds() {
        var generator = RandomGenerator(seed: 3)
        let lstm = LSTM(inputSize: 5, hiddenSize: 64, using: &generator)
        XCTAssertEqual(lstm.namedParameters.map(\.name), ["inputWeight", "hiddenWeight", "inputBias", "hiddenBias"])
        XCTAssertEqual(lstm.parameters.map(\.shape), [[256, 5], [256, 64], [256], [256]])
        let bound = 1 / Float(64).squareRoot()
        for parameter in lstm.parameters {
            let values = parameter.scalars
            XCTAssert(values.allSatisfy { abs($0) <= bound })
            XCTAssertGreaterThan(values.map(abs).max() ?? 0, 0.9 * bound, "uniform draws should come near the bound")
        }
    }

    func testGradientsMatchCentralDifferencesThroughFourSteps() {
        let fixture = Fixture(seed: 21)
        let mismatches = CentralDifferences.mismatches(of: fixture.variables) { fixture.stackedResults() }
        XCTAssertEqual(mismatches, [], "\(mismatches.count) gradient elements disagree")
    }

    /// The masked update is differentiated like the rest: padding must not break the gradients.
    func testGradientsMatchCentralDifferencesWithPadding() {
        let fixture = Fixture(seed: 22)
        let mismatches = CentralDifferences.mismatches(of: fixture.variables) { fixture.stackedResults(lengths: [4, 2]) }
        XCTAssertEqual(mismatches, [], "\(mismatches.count) gradient elements disagree")
    }

    /// With lengths [4, 2], row 1 stops after two steps: its final state is what running those two
    /// steps alone gives, its later outputs are zero, and its later inputs get no gradient.
    func testPaddedRowEndsInTheStateOfItsLastRealStep() {
        let fixture = Fixture(seed: 23)
        let lstm = fixture.lstm
        let (outputs, final) = lstm.run(fixture.inputs, initial: fixture.initial, lengths: [4, 2])
        func row(_ tensor: Tensor, _ index: Int) -> [Float] { tensor.slice(axis: 0, index..<(index + 1)).scalars }
        func alone(_ index: Int, steps: Int) -> (outputs: [Tensor], final: RecurrentState) {
            withoutGradients {
                let rows = fixture.inputs.prefix(steps).map { $0.slice(axis: 0, index..<(index + 1)) }
                return lstm.run(rows, initial: fixture.initial.gatherRows([index]))
            }
        }
        let short = alone(1, steps: 2), long = alone(0, steps: 4)
        assertEqual(row(final.h, 1), short.final.h.scalars, "h of the padded row")
        assertEqual(row(final.c, 1), short.final.c.scalars, "c of the padded row")
        assertEqual(row(final.h, 0), long.final.h.scalars, "h of the full row")
        assertEqual(row(final.c, 0), long.final.c.scalars, "c of the full row")
        for t in 0..<2 { assertEqual(row(outputs[t], 1), short.outputs[t].scalars, "output \(t) of the padded row") }
        for t in 2..<4 {
            XCTAssertEqual(row(outputs[t], 1), [0, 0, 0], "output \(t) lies past the length of row 1")
            assertEqual(row(outputs[t], 0), long.outputs[t].scalars, "output \(t) of the full row")
        }

        let gradients = fixture.loss(lengths: [4, 2]).backward()
        for (t, input) in fixture.inputs.enumerated() {
            let gradient = gradients[input].map { row($0, 1) } ?? []
            if t < 2 {
                XCTAssert(gradient.contains { $0 != 0 }, "input \(t) of row 1 is real and must get a gradient")
            } else {
                XCTAssertEqual(gradient, [0, 0, 0], "input \(t) of row 1 is padding and must get no gradient")
            }
            XCTAssert((gradients[input].map { row($0, 0) } ?? []).contains { $0 != 0 }, "row 0 is real at step \(t)")
        }
    }

    /// Once every row has ended, later steps change nothing; a length of 0 keeps the initial state.
    func testStepsAfterEveryRowHasEndedChangeNothing() {
        let fixture = Fixture(seed: 24)
        withoutGradients {
            let padded = fixture.lstm.run(fixture.inputs, initial: fixture.initial, lengths: [2, 0])
            let cut = fixture.lstm.run(Array(fixture.inputs.prefix(2)), initial: fixture.initial, lengths: [2, 0])
            XCTAssertEqual(padded.final.h.scalars, cut.final.h.scalars)
            XCTAssertEqual(padded.final.c.scalars, cut.final.c.scalars)
            XCTAssertEqual(Array(padded.final.h.scalars[3...]), Array(fixture.initial.h.scalars[3...]), "length 0 keeps h₀")
            XCTAssertEqual(Array(padded.final.c.scalars[3...]), Array(fixture.initial.c.scalars[3...]), "length 0 keeps c₀")
            for t in 2..<4 { XCTAssertEqual(padded.outputs[t].scalars, [Float](repeating: 0, count: 6)) }
        }
    }

    /// `step` and `run` (which applies `step` with masks) are the same function.
    func testStepAgreesWithRun() {
        let fixture = Fixture(seed: 25)
        withoutGradients {
            var state = fixture.initial
            let run = fixture.lstm.run(fixture.inputs, initial: fixture.initial)
            for (t, input) in fixture.inputs.enumerated() {
                state = fixture.lstm.step(input, state: state)
                assertEqual(state.h.scalars, run.outputs[t].scalars, "h after step \(t)")
            }
            assertEqual(state.c.scalars, run.final.c.scalars, "final c")
        }
    }

    func assertEqual(_ actual: [Float], _ expected: [Float], _ message: String, accuracy: Float = 1e-6,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        for (index, (a, e)) in zip(actual, expected).enumerated() where abs(a - e) > accuracy {
            XCTFail("\(message), element \(index): \(a) vs \(e)", file: file, line: line)
        }
    }
}

/// The fused `LSTM.sequence` against the step-by-step `LSTM.run`: same outputs, final state and
/// gradients, with and without padding.
final class LSTMSequenceTests: XCTestCase {
    func testSequenceMatchesStepByStepRun() {
        for lengths in [nil, [4, 2, 0]] as [[Int]?] {
            var generator = RandomGenerator(seed: 9)
            let lstm = LSTM(inputSize: 3, hiddenSize: 5, using: &generator)
            let inputs = Tensor.normal([12, 3], using: &generator, requiresGradient: true)
            let initial = RecurrentState(h: Tensor.normal([3, 5], using: &generator, requiresGradient: true),
                                         c: Tensor.normal([3, 5], using: &generator, requiresGradient: true))
            let weights = Tensor.uniform([12, 5], low: -1, high: 1, using: &generator)
            let finalWeights = Tensor.uniform([3, 5], low: -1, high: 1, using: &generator)
            func loss(_ outputs: Tensor, _ final: RecurrentState) -> Tensor {
                (outputs * weights).sum() + (final.h * finalWeights).sum() + (final.c * finalWeights * 0.5).sum()
            }
            let fused = lstm.sequence(inputs, steps: 4, initial: initial, lengths: lengths)
            let steps = (0..<4).map { inputs.slice(axis: 0, ($0 * 3)..<(($0 + 1) * 3)) }
            let stepwise = lstm.run(steps, initial: initial, lengths: lengths)
            let fusedLoss = loss(fused.outputs, fused.final)
            let stepwiseLoss = loss(Tensor.concatenate(stepwise.outputs, axis: 0), stepwise.final)
            XCTAssertEqual(fusedLoss.scalar, stepwiseLoss.scalar, accuracy: 1e-4)
            let fusedGradients = fusedLoss.backward(), stepwiseGradients = stepwiseLoss.backward()
            for (name, variable) in [("inputs", inputs), ("h0", initial.h), ("c0", initial.c)] + lstm.namedParameters.map({ ($0.name, $0.tensor) }) {
                let expected = stepwiseGradients[variable]!.scalars, found = fusedGradients[variable]!.scalars
                for (e, f) in zip(expected, found) {
                    XCTAssertEqual(e, f, accuracy: 1e-4 + 1e-3 * abs(e), "\(name), lengths \(String(describing: lengths))")
                }
            }
        }
    }
}
