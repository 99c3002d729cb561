import Datasets
import Foundation
import NN
import TensorCore

/// The sentence VAE of Bowman et al., "Generating Sentences from a Continuous Space" (2016), and,
/// with no latent code, its RNN language-model baseline.
///
///     encoder   emb(w₁ … w_L) → RNN → h_L (each sentence's own last word) → Linear → μ, log σ²
///     latent    z = μ + σ ⊙ ε,  ε ~ N(0, I),  prior N(0, I)
///     decoder   Linear(z) → the starting state ((h₀, c₀) for an LSTM, h₀ for a GRU) of an RNN over
///               emb(<sos> w₁ … w_L) (and z at every step when `latentAtEveryStep`);
///               Linear(H, V) → softmax over the next word, targets w₁ … w_L <eos>
///
/// Encoder and decoder are both LSTMs (as in the paper) or both GRUs.
///
/// One embedding table serves encoder and decoder, as in the reference trainer
/// (`sentence_vae_torch.py`). The language model (`latentDimension == 0`) is the same decoder
/// starting from the zero state. Parameters are named by property path (`decoder.inputWeight`, …),
/// the checkpoint keys.
public final class SentenceVAE: Module {
    /// [V, E], shared by encoder and decoder.
    public let embedding: Embedding
    /// nil for the language model.
    public let encoder: (any RecurrentLayer)?
    /// H → 2D: μ then log σ². nil for the language model.
    public let toStatistics: Linear?
    /// D → 2H for an LSTM (h₀ then c₀ of the decoder), D → H for a GRU. nil for the language model.
    public let latentToState: Linear?
    /// Input E (+ D when z is fed at every step), hidden H.
    public let decoder: any RecurrentLayer
    /// H → V.
    public let output: Linear
    /// Whether z is concatenated to every decoder input.
    public let latentAtEveryStep: Bool
    /// k: the decoder's word keep rate in training; at 0 the decoder never sees a word.
    public let keepRate: Double

    /// - Parameters:
    ///   - cell: LSTM or GRU, for encoder and decoder alike.
    ///   - latentDimension: D; 0 makes the RNN language model.
    ///   - keepRate: k in [0, 1]; recorded here because k = 0 changes evaluation and decoding too.
    public init(vocabularySize: Int, embeddingSize: Int, hiddenSize: Int, cell: RecurrentCell = .lstm, latentDimension: Int,
                latentAtEveryStep: Bool = false, keepRate: Double = 1, using generator: inout RandomGenerator) {
        precondition(latentDimension >= 0, "SentenceVAE: the latent dimension must not be negative, got \(latentDimension)")
        precondition(keepRate >= 0 && keepRate <= 1, "SentenceVAE: the keep rate must lie in [0, 1], got \(keepRate)")
        embedding = Embedding(vocabularySize: vocabularySize, width: embeddingSize, using: &generator)
        if latentDimension > 0 {
            let encoder = cell.makeLayer(inputSize: embeddingSize, hiddenSize: hiddenSize, using: &generator)
            self.encoder = encoder
            toStatistics = Linear(inputs: hiddenSize, outputs: 2 * latentDimension, using: &generator)
            latentToState = Linear(inputs: latentDimension, outputs: encoder.statePartCount * hiddenSize, using: &generator)
        } else {
            (encoder, toStatistics, latentToState) = (nil, nil, nil)
        }
        let everyStep = latentAtEveryStep && latentDimension > 0
        decoder = cell.makeLayer(inputSize: embeddingSize + (everyStep ? latentDimension : 0), hiddenSize: hiddenSize, using: &generator)
        output = Linear(inputs: hiddenSize, outputs: vocabularySize, using: &generator)
        self.latentAtEveryStep = everyStep
        self.keepRate = keepRate
    }

    /// V.
    public var vocabularySize: Int { embedding.vocabularySize }
    /// H.
    public var hiddenSize: Int { decoder.hiddenSize }
    /// LSTM or GRU.
    public var cell: RecurrentCell { decoder is GRU ? .gru : .lstm }
    /// D; 0 for the language model.
    public var latentDimension: Int { (toStatistics?.outputCount ?? 0) / 2 }
    /// Whether there is an encoder and a latent code.
    public var isVariational: Bool { encoder != nil }

    // MARK: Encoder

    /// q(z|x) for every sentence of the batch: μ and log σ², [N, D] each.
    public func encode(_ batch: SentenceBatch) -> DiagonalGaussian {
        guard let encoder, let toStatistics else { preconditionFailure("SentenceVAE.encode: a language model has no encoder") }
        // `final` holds each row's state after its own last word: padding never reaches q(z|x).
        let last = encoder.sequence(embedding(batch.encoderInput.timeMajor), steps: batch.maximumLength,
                                    initial: nil, lengths: batch.lengths).final.h
        let statistics = toStatistics(last)
        let d = latentDimension
        return DiagonalGaussian(mean: statistics.slice(axis: 1, 0..<d), logVariance: statistics.slice(axis: 1, d..<(2 * d)))
    }

    // MARK: Decoder

    /// The decoder's starting state: from z [N, D] through `latentToState`, or zeros.
    public func initialState(latent z: Tensor?, rows: Int) -> RecurrentState {
        guard let z, let latentToState else { return decoder.zeroState(batchSize: rows) }
        let state = latentToState(z)
        let h = hiddenSize
        return RecurrentState(parts: (0..<decoder.statePartCount).map { state.slice(axis: 1, ($0 * h)..<(($0 + 1) * h)) })
    }

    /// The decoder input a model feeds in evaluation: the true words, or for a historyless model
    /// (k = 0) <sos> then <unk> at every word, which carries no word at all.
    public func evaluationInput(_ batch: SentenceBatch) -> SentenceBatch {
        guard keepRate == 0 else { return batch }
        var unused = RandomGenerator(seed: 0)
        return batch.droppingWords(keepRate: 0, using: &unused)
    }

    /// −log p(x|z) for each sentence: the cross-entropy summed over its words and <eos>.
    ///
    /// - Parameters:
    ///   - z: [N, D], or nil for the language model.
    ///   - batch: targets, lengths, and the decoder input to read (after word dropout, if any).
    /// - Returns: [N], nats per sentence.
    ///
    /// Only real target positions reach the output layer: they are gathered into one [M, H]
    /// matrix (M = Σ Lᵢ + 1), so the V-wide GEMM and log-softmax — most of the work for a large
    /// vocabulary — run once, over no padding.
    public func reconstructionLoss(latent z: Tensor?, batch: SentenceBatch) -> Tensor {
        let rows = batch.count, columns = batch.maximumLength + 1
        var inputs = embedding(batch.decoderInput.timeMajor)   // [(T + 1)·N, E], time-major
        if latentAtEveryStep, let z {
            let everyStep = z.reshaped([1, rows, z.shape[1]]).broadcast(to: [columns, rows, z.shape[1]])
            inputs = Tensor.concatenate([inputs, everyStep.reshaped([columns * rows, z.shape[1]])], axis: 1)
        }
        let hidden = decoder.sequence(inputs, steps: columns, initial: initialState(latent: z, rows: rows),
                                      lengths: batch.decoderLengths).outputs   // [(T + 1)·N, H], time-major
        var positions: [Int] = [], labels: [Int] = [], owners: [Int] = []
        positions.reserveCapacity(batch.targetTokenCount)
        for t in 0..<columns {
            for (row, length) in batch.lengths.enumerated() where t <= length {
                positions.append(t * rows + row)
                labels.append(batch.targets[row, t])
                owners.append(row)
            }
        }
        let tokenLoss = output(hidden.gatherRows(positions)).crossEntropy(labels: labels)   // [M]
        // Σ over each sentence's positions, as one product with the 0/1 owner matrix [N, M].
        let ownership = Tensor(shape: [rows, owners.count]) { out in
            out.update(repeating: 0)
            for (position, row) in owners.enumerated() { out[row * owners.count + position] = 1 }
        }
        return ownership.matmul(tokenLoss.reshaped([owners.count, 1])).reshaped([rows])
    }
}
