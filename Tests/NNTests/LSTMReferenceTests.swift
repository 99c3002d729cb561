import TestSupport
import XCTest
import TensorCore
@testable import NN

/// The LSTM against PyTorch 2.15.0 (CPU), values printed with 9 significant digits by:
///
///     import torch
///     torch.manual_seed(0)
///     lstm = torch.nn.LSTM(input_size=3, hidden_size=2)
///     x = torch.randn(3, 2, 3)            # [T, B, E], time-major
///     h0 = torch.randn(1, 2, 2); c0 = torch.randn(1, 2, 2)
///     with torch.no_grad():
///         out, (hn, cn) = lstm(x, (h0, c0))
///         packed = torch.nn.utils.rnn.pack_padded_sequence(x, [3, 2])
///         pout, (phn, pcn) = lstm(packed, (h0, c0))
///         pout, _ = torch.nn.utils.rnn.pad_packed_sequence(pout)
///     def p(name, t): print(f"{name} {list(t.shape)}:", ", ".join(f"{v:.9g}" for v in t.flatten().tolist()))
///     p("weight_ih_l0", lstm.weight_ih_l0)  # and so on for every tensor below
final class LSTMReferenceTests: XCTestCase {
    /// Measured: the Swift values differ from PyTorch's by at most 6e-8 (as much as PyTorch's own
    /// packed and unpacked runs differ from each other), so 1e-6 leaves room for another BLAS.
    static let tolerance: Float = 1e-6

    static let weightIH: [Float] = [-0.00529398117, 0.379322886, -0.581980765, -0.520387471, -0.272345245, 0.18961589,
                                    -0.0140100336, 0.560657501, -0.0627515167, 0.187109336, -0.213696912, -0.138992712,
                                    -0.675533414, -0.468304157, -0.291485757, 0.0261937603, 0.279544204, 0.424280167,
                                    -0.479376733, -0.307918727, 0.256833285, 0.587172925, -0.145522699, 0.5291363]
    static let weightHH: [Float] = [-0.113973841, 0.074821867, 0.640268385, -0.65596199, -0.445150524, -0.179014862,
                                    -0.275630176, 0.610940814, -0.458332211, -0.325504482, -0.494013399, -0.662248611,
                                    -0.412766844, 0.607827604, 0.315524042, 0.342715234]
    static let biasIH: [Float] = [0.0371878482, -0.362521976, 0.119631633, -0.660221875, -0.510931492, -0.364534736,
                                  0.446140498, 0.4145917]
    static let biasHH: [Float] = [-0.313598335, -0.0255140997, 0.452237695, 0.702958226, 0.280638069, 0.095525071,
                                  0.474105418, -0.416346133]
    /// x [3, 2, 3], time-major.
    static let x: [Float] = [0.205525666, -0.450329751, 1.70671165, 2.38036752, -1.12560165, -0.316998094,
                             -1.09246826, -0.0851942971, -0.0933482349, 0.687050223, -1.59908199, 0.0184866674,
                             -0.750426829, 0.185407981, 0.621138334, 0.638181567, -0.246000946, 2.30251646]
    static let h0: [Float] = [-1.95126224, 0.418615341, 3.32141495, 0.876400709]
    static let c0: [Float] = [1.23451042, -1.16419518, -0.0240315925, 0.647994637]

    /// The PyTorch LSTM's weights in the Swift one, loaded by name (which also checks the names).
    func makeLSTM() throws -> LSTM {
        var generator = RandomGenerator(seed: 0)
        let lstm = LSTM(inputSize: 3, hiddenSize: 2, using: &generator)
        try lstm.loadParameters(["inputWeight": Tensor(shape: [8, 3], scalars: Self.weightIH),
                                 "hiddenWeight": Tensor(shape: [8, 2], scalars: Self.weightHH),
                                 "inputBias": Tensor(shape: [8], scalars: Self.biasIH),
                                 "hiddenBias": Tensor(shape: [8], scalars: Self.biasHH)], source: "the PyTorch values")
        return lstm
    }

    var inputs: [Tensor] { (0..<3).map { Tensor(shape: [2, 3], scalars: Array(Self.x[(6 * $0)..<(6 * $0 + 6)])) } }
    var initial: RecurrentState { RecurrentState(h: Tensor(shape: [2, 2], scalars: Self.h0), c: Tensor(shape: [2, 2], scalars: Self.c0)) }

    func testMatchesPyTorch() throws {
        let (outputs, final) = try makeLSTM().run(inputs, initial: initial)
        assertClose(outputs.flatMap(\.scalars),
                    [0.671754241, -0.372927964, -0.0915095359, -0.142164499, 0.429415107, -0.173645169,
                     -0.0675316602, -0.191553548, 0.27255249, -0.119153038, -0.134066418, 0.142460972], tolerance: Self.tolerance, "out")
        assertClose(final.h.scalars, [0.27255249, -0.119153038, -0.134066418, 0.142460972], tolerance: Self.tolerance, "h_n")
        assertClose(final.c.scalars, [0.380695403, -0.251440793, -0.176547021, 0.174754634], tolerance: Self.tolerance, "c_n")
    }

    /// Lengths [3, 2] against `pack_padded_sequence`: PyTorch's h_n and c_n are each row's state at
    /// its last real step, and `pad_packed_sequence` pads the outputs with zeros, as ours are.
    func testPaddedBatchMatchesPyTorchPackedSequence() throws {
        let (outputs, final) = try makeLSTM().run(inputs, initial: initial, lengths: [3, 2])
        assertClose(outputs.flatMap(\.scalars),
                    [0.671754301, -0.372927904, -0.0915095434, -0.142164484, 0.429415137, -0.173645198,
                     -0.0675316826, -0.191553548, 0.27255249, -0.119153038, 0, 0], tolerance: Self.tolerance, "packed out")
        assertClose(final.h.scalars, [0.27255249, -0.119153038, -0.0675316826, -0.191553548], tolerance: Self.tolerance, "packed h_n")
        assertClose(final.c.scalars, [0.380695403, -0.251440793, -0.091671668, -0.309801072], tolerance: Self.tolerance, "packed c_n")
    }
}
