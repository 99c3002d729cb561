import TestSupport
import XCTest
import TensorCore
@testable import NN

/// The GRU against PyTorch 2.15.0 (CPU), values printed with 9 significant digits by:
///
///     import torch
///     torch.manual_seed(0)
///     gru = torch.nn.GRU(input_size=3, hidden_size=2)
///     x = torch.randn(3, 2, 3)            # [T, B, E], time-major
///     h0 = torch.randn(1, 2, 2)
///     with torch.no_grad():
///         out, hn = gru(x, h0)
///         packed = torch.nn.utils.rnn.pack_padded_sequence(x, [3, 2])
///         pout, phn = gru(packed, h0)
///         pout, _ = torch.nn.utils.rnn.pad_packed_sequence(pout)
///     def p(name, t): print(f"{name} {list(t.shape)}:", ", ".join(f"{v:.9g}" for v in t.flatten().tolist()))
///     p("weight_ih_l0", gru.weight_ih_l0)  # and so on for every tensor below
final class GRUReferenceTests: XCTestCase {
    static let weightIH: [Float] = [-0.00529398117, 0.379322886, -0.581980765, -0.520387471, -0.272345245, 0.18961589,
                                    -0.0140100336, 0.560657501, -0.0627515167, 0.187109336, -0.213696912, -0.138992712,
                                    -0.675533414, -0.468304157, -0.291485757, 0.0261937603, 0.279544204, 0.424280167]
    static let weightHH: [Float] = [-0.479376733, -0.307918727, 0.256833285, 0.587172925, -0.145522699, 0.5291363,
                                    -0.113973841, 0.074821867, 0.640268385, -0.65596199, -0.445150524, -0.179014862]
    static let biasIH: [Float] = [-0.275630176, 0.610940814, -0.458332211, -0.325504482, -0.494013399, -0.662248611]
    static let biasHH: [Float] = [-0.412766844, 0.607827604, 0.315524042, 0.342715234, 0.0371878482, -0.362521976]
    /// x [3, 2, 3], time-major.
    static let x: [Float] = [0.562721372, 0.259627402, 0.594323039, 1.5419426, 0.507334411, -0.591033161,
                             -0.56924808, 0.919971406, 1.11081612, 1.28987408, -1.49591494, -0.193837121,
                             0.445512176, 1.32527483, -1.62932599, -0.549743652, -0.479834259, -0.499681532]
    static let h0: [Float] = [0.273367733, -0.918099999, -0.0404210873, 0.288116813]
    static let outputs: [Float] = [-0.362713784, -0.68593812, -0.416819155, -0.14994967, -0.505797088, -0.270443141,
                                   -0.528321624, -0.388845056, -0.598094642, -0.509332061, -0.0602264702, -0.576854229]
    static let packedOutputs: [Float] = [-0.362713784, -0.68593812, -0.416819155, -0.14994967, -0.505797088, -0.270443141,
                                         -0.528321624, -0.388845056, -0.598094642, -0.509332061, 0, 0]

    /// The PyTorch GRU's weights in the Swift one, loaded by name (which also checks the names).
    func makeGRU() throws -> GRU {
        var generator = RandomGenerator(seed: 0)
        let gru = GRU(inputSize: 3, hiddenSize: 2, using: &generator)
        try gru.loadParameters(["inputWeight": Tensor(shape: [6, 3], scalars: Self.weightIH),
                                "hiddenWeight": Tensor(shape: [6, 2], scalars: Self.weightHH),
                                "inputBias": Tensor(shape: [6], scalars: Self.biasIH),
                                "hiddenBias": Tensor(shape: [6], scalars: Self.biasHH)], source: "the PyTorch values")
        return gru
    }

    var inputs: [Tensor] { (0..<3).map { Tensor(shape: [2, 3], scalars: Array(Self.x[(6 * $0)..<(6 * $0 + 6)])) } }
    var initial: RecurrentState { RecurrentState(h: Tensor(shape: [2, 2], scalars: Self.h0)) }

    func testStepByStepRunMatchesPyTorch() throws {
        let (outputs, final) = try makeGRU().run(inputs, initial: initial)
        assertClose(outputs.flatMap(\.scalars), Self.outputs, tolerance: 1e-6, "out")
        assertClose(final.h.scalars, [-0.598094642, -0.509332061, -0.0602264702, -0.576854229], tolerance: 1e-6, "h_n")
    }

    func testFusedSequenceMatchesPyTorch() throws {
        let (outputs, final) = try fused(lengths: nil)
        assertClose(outputs.scalars, Self.outputs, tolerance: 1e-6, "out")
        assertClose(final.h.scalars, [-0.598094642, -0.509332061, -0.0602264702, -0.576854229], tolerance: 1e-6, "h_n")
    }

    /// Lengths [3, 2] against `pack_padded_sequence`: h_n is each row's state at its last real step,
    /// and the outputs past a row's length are zero, as `pad_packed_sequence` pads them.
    func testPaddedBatchMatchesPyTorchPackedSequence() throws {
        let run = try makeGRU().run(inputs, initial: initial, lengths: [3, 2])
        let fused = try fused(lengths: [3, 2])
        for (name, outputs, final) in [("run", run.outputs.flatMap(\.scalars), run.final.h.scalars),
                                       ("sequence", fused.outputs.scalars, fused.final.h.scalars)] {
            assertClose(outputs, Self.packedOutputs, tolerance: 1e-6, "\(name): packed out")
            assertClose(final, [-0.598094642, -0.509332061, -0.528321624, -0.388845056], tolerance: 1e-6, "\(name): packed h_n")
        }
    }

    func fused(lengths: [Int]?) throws -> (outputs: Tensor, final: RecurrentState) {
        try makeGRU().sequence(Tensor.concatenate(inputs, axis: 0), steps: 3, initial: initial, lengths: lengths)
    }
}

/// Gradients of the GRU through time: the step-by-step `run` against central differences, and the
/// fused `sequence` against `run`, with and without padding.
final class GRUGradientTests: XCTestCase {
    /// A GRU with E = 3, H = 3, T = 4 steps of B = 2 rows; inputs and h₀ are variables too.
    struct Fixture {
        let gru: GRU
        let inputs: [Tensor]
        let initial: RecurrentState
        /// Fixed random weights for the checked scalar: one per output step, then the final h.
        let outputWeights: [Tensor]
        let finalWeight: Tensor

        init(seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            gru = GRU(inputSize: 3, hiddenSize: 3, using: &generator)
            inputs = (0..<4).map { _ in Tensor.normal([2, 3], using: &generator, requiresGradient: true) }
            initial = RecurrentState(h: Tensor.normal([2, 3], standardDeviation: 0.5, using: &generator, requiresGradient: true))
            outputWeights = (0..<4).map { _ in Tensor.uniform([2, 3], low: -1, high: 1, using: &generator) }
            finalWeight = Tensor.uniform([2, 3], low: -1, high: 1, using: &generator)
        }

        /// The four steps' outputs and the final state, from `run` or from the fused `sequence`.
        func results(lengths: [Int]?, fused: Bool) -> (outputs: [Tensor], final: RecurrentState) {
            guard fused else { return gru.run(inputs, initial: initial, lengths: lengths) }
            let result = gru.sequence(Tensor.concatenate(inputs, axis: 0), steps: 4, initial: initial, lengths: lengths)
            return ((0..<4).map { result.outputs.slice(axis: 0, (2 * $0)..<(2 * $0 + 2)) }, result.final)
        }

        /// Every step's output, then h_T, stacked into [5·2, 3]: what the gradient checks hand to
        /// `CentralDifferences`, which weighs each element with its own random weight.
        func stackedResults(lengths: [Int]? = nil, fused: Bool = false) -> Tensor {
            let (outputs, final) = results(lengths: lengths, fused: fused)
            return Tensor.concatenate(outputs + [final.h], axis: 0)
        }

        /// Σ_t ⟨W_t, output_t⟩ + ⟨W_h, h_T⟩, from `run` or from the fused `sequence`.
        func loss(lengths: [Int]? = nil, fused: Bool = false) -> Tensor {
            let (outputs, final) = results(lengths: lengths, fused: fused)
            let terms = zip(outputs, outputWeights).map { ($0 * $1).sum() } + [(final.h * finalWeight).sum()]
            return terms.dropFirst().reduce(terms[0], +)
        }

        var variables: [(name: String, tensor: Tensor)] {
            inputs.enumerated().map { ("inputs[\($0.offset)]", $0.element) } + [("h0", initial.h)] + gru.namedParameters
        }
    }

    func testParametersHavePyTorchNamesAndShapes() {
        var generator = RandomGenerator(seed: 3)
        let gru = GRU(inputSize: 5, hiddenSize: 64, using: &generator)
        XCTAssertEqual(gru.namedParameters.map(\.name), ["inputWeight", "hiddenWeight", "inputBias", "hiddenBias"])
        XCTAssertEqual(gru.parameters.map(\.shape), [[192, 5], [192, 64], [192], [192]])
        XCTAssertEqual(gru.zeroState(batchSize: 4).parts.map(\.shape), [[4, 64]], "a GRU state is h alone")
    }

    func testRunGradientsMatchCentralDifferencesThroughFourSteps() {
        for lengths in [nil, [4, 2]] as [[Int]?] {
            let fixture = Fixture(seed: 31)
            let mismatches = CentralDifferences.mismatches(of: fixture.variables) { fixture.stackedResults(lengths: lengths) }
            XCTAssertEqual(mismatches, [], "lengths \(String(describing: lengths)): \(mismatches.count) gradient elements disagree")
        }
    }

    func testFusedSequenceGradientsMatchCentralDifferences() {
        for lengths in [nil, [4, 1]] as [[Int]?] {
            let fixture = Fixture(seed: 32)
            let mismatches = CentralDifferences.mismatches(of: fixture.variables) { fixture.stackedResults(lengths: lengths, fused: true) }
            XCTAssertEqual(mismatches, [], "lengths \(String(describing: lengths)): \(mismatches.count) gradient elements disagree")
        }
    }

    /// The fused op and the composition of ordinary ops agree in value and in every gradient.
    func testFusedSequenceMatchesStepByStepRun() {
        for lengths in [nil, [4, 0]] as [[Int]?] {
            let fixture = Fixture(seed: 33)
            let fusedLoss = fixture.loss(lengths: lengths, fused: true), runLoss = fixture.loss(lengths: lengths)
            XCTAssertEqual(fusedLoss.scalar, runLoss.scalar, accuracy: 1e-5)
            let fused = fusedLoss.backward(), stepwise = runLoss.backward()
            for (name, variable) in fixture.variables {
                let expected = stepwise[variable]?.scalars ?? [], found = fused[variable]?.scalars ?? []
                XCTAssertEqual(expected.count, found.count, name)
                for (e, f) in zip(expected, found) {
                    XCTAssertEqual(e, f, accuracy: 1e-5 + 1e-4 * abs(e), "\(name), lengths \(String(describing: lengths))")
                }
            }
        }
    }

    /// A row of length 0 keeps h₀, outputs zeros, and passes its upstream gradient to h₀ unchanged.
    func testRowOfLengthZeroKeepsItsState() {
        let fixture = Fixture(seed: 34)
        let result = fixture.gru.sequence(Tensor.concatenate(fixture.inputs, axis: 0), steps: 4,
                                          initial: fixture.initial, lengths: [4, 0])
        XCTAssertEqual(Array(result.final.h.scalars[3...]), Array(fixture.initial.h.scalars[3...]))
        for t in 0..<4 { XCTAssertEqual(Array(result.outputs.scalars[(6 * t + 3)..<(6 * t + 6)]), [0, 0, 0]) }
        let gradient = (result.final.h * fixture.finalWeight).sum().backward()[fixture.initial.h]!.scalars
        XCTAssertEqual(Array(gradient[3...]), Array(fixture.finalWeight.scalars[3...]))
    }
}
