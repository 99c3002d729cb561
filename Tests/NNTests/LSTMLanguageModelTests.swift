import XCTest
import TensorCore
@testable import NN

/// Embedding → LSTM → Linear over a vocabulary of 8: the shape of the sentence VAE's decoder.
final class TinyLanguageModel: Module {
    let embedding: Embedding
    let lstm: LSTM
    let readout: Linear

    init(using generator: inout RandomGenerator) {
        embedding = Embedding(vocabularySize: 8, width: 16, using: &generator)
        lstm = LSTM(inputSize: 16, hiddenSize: 16, using: &generator)
        readout = Linear(inputs: 16, outputs: 8, using: &generator)
    }

    /// Mean cross-entropy in nats of predicting `targets` from `tokens`, over real positions only.
    ///
    /// - Parameters:
    ///   - tokens: time-major, `tokens[t][b]` is step t of sequence b; padding may be any id.
    ///   - targets: the same layout; entries past a sequence's length are ignored.
    func loss(tokens: [[Int]], targets: [[Int]], lengths: [Int]) -> Tensor {
        let outputs = lstm.run(tokens.map { embedding($0) }, lengths: lengths).outputs
        let logits = readout(Tensor.concatenate(outputs, axis: 0))               // [T·B, 8]
        let perToken = logits.crossEntropy(labels: targets.flatMap { $0 })       // [T·B]
        let real = Tensor(shape: perToken.shape, scalars: tokens.indices.flatMap { t in
            lengths.map { t < $0 ? 1 : 0 }
        })
        return (perToken * real).sum() / Float(lengths.reduce(0, +))
    }
}

final class LSTMLanguageModelTests: XCTestCase {
    /// "a b a c a b a c …": after "a" the next token is "b" or "c" depending on the token before
    /// it, so a model without memory (a bigram) cannot do better than 10·ln 2 / 21 = 0.33 nats
    /// per token on these two sequences (10 of the 21 real positions read an "a"), and a working
    /// recurrence gets close to 0. Row 1 starts one step later and is padded from 9 steps to 12,
    /// so the masking is trained through too.
    ///
    /// Measured (debug build, Adam lr 0.02, 150 steps): seed 1 goes 2.159 → 0.0026 nats (0.032
    /// after 50 steps); seeds 2–4 end at 0.0044, 0.0033, 0.0019; with lr 0.01 seed 1 ends at
    /// 0.0074. The bound 0.05 leaves about 20× headroom and still sits far below the bigram's 0.33.
    func testLearnsARepeatingSequenceThatNeedsMemory() {
        let pattern = [0, 1, 0, 2]
        let steps = 12, lengths = [12, 9]
        let sequences = [0, 1].map { phase in (0...steps).map { pattern[(phase + $0) % pattern.count] } }
        let tokens = (0..<steps).map { t in sequences.map { $0[t] } }
        let targets = (0..<steps).map { t in sequences.map { $0[t + 1] } }

        var generator = RandomGenerator(seed: 1)
        let model = TinyLanguageModel(using: &generator)
        XCTAssertEqual(model.namedParameters.map(\.name),
                       ["embedding.weight", "lstm.inputWeight", "lstm.hiddenWeight", "lstm.inputBias",
                        "lstm.hiddenBias", "readout.weight", "readout.bias"])
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 0.02)
        var losses: [Float] = []
        for _ in 0..<150 {
            let loss = model.loss(tokens: tokens, targets: targets, lengths: lengths)
            losses.append(loss.scalar)
            optimizer.step(loss.backward())
        }
        let final = withoutGradients { model.loss(tokens: tokens, targets: targets, lengths: lengths).scalar }
        XCTAssertGreaterThan(losses[0], 1.5, "an untrained model should be near ln 8 = 2.08")
        XCTAssertLessThan(final, 0.05, "loss went \(losses[0]) → \(final); a bigram model reaches only 0.33")
    }
}
