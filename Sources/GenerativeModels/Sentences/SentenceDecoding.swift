import Datasets
import Foundation
import NN
import TensorCore

/// How a decoder picks each next word.
public enum DecodingStrategy: Equatable, Sendable {
    /// The most probable word at every step.
    case greedy
    /// Beam search: the `width` most probable prefixes are kept at every step; the best finished
    /// sentence by total log-probability wins.
    case beam(width: Int)
    /// A draw from softmax(logits / temperature): 1 is ancestral sampling, lower is more conservative.
    case sample(temperature: Float)
}

extension SentenceVAE {
    /// Decodes one sentence per latent code, word by word, without recording gradients.
    ///
    /// - Parameters:
    ///   - z: [N, D] codes, or nil for a language model (then `count` sentences from the empty state).
    ///   - count: N when `z` is nil.
    ///   - strategy: greedy, beam or sampling.
    ///   - maximumLength: words at most, <eos> not counted.
    ///   - generator: the source of sampling draws.
    /// - Returns: N sentences as word ids, without <sos> or <eos>.
    public func decode(latent z: Tensor?, count: Int = 1, strategy: DecodingStrategy = .greedy, maximumLength: Int = 40,
                       using generator: inout RandomGenerator) -> [[Int]] {
        let rows = z?.shape[0] ?? count
        return withoutGradients {
            switch strategy {
            case .beam(let width):
                return (0..<rows).map { row in
                    beamSearch(latent: z.map { $0.slice(axis: 0, row..<(row + 1)) }, width: width, maximumLength: maximumLength)
                }
            case .greedy, .sample:
                return stepwise(latent: z, rows: rows, strategy: strategy, maximumLength: maximumLength, using: &generator)
            }
        }
    }

    /// log softmax over the vocabulary after reading `tokens` from `state`: the next state and [N, V].
    func advance(_ tokens: [Int], latent z: Tensor?, state: RecurrentState) -> (state: RecurrentState, logProbabilities: Tensor) {
        // A historyless decoder (k = 0) was trained never to see a word, so it reads <unk> after <sos>.
        let fed = keepRate == 0 ? tokens.map { $0 == Vocabulary.startID ? $0 : Vocabulary.unknownID } : tokens
        var input = embedding(fed)
        if latentAtEveryStep, let z { input = Tensor.concatenate([input, z], axis: 1) }
        let next = decoder.step(input, state: state)
        return (next, output(next.h).logSoftmax(axis: 1))
    }

    /// Greedy or sampled decoding of all rows together.
    private func stepwise(latent z: Tensor?, rows: Int, strategy: DecodingStrategy, maximumLength: Int,
                          using generator: inout RandomGenerator) -> [[Int]] {
        var state = initialState(latent: z, rows: rows)
        var tokens = [Int](repeating: Vocabulary.startID, count: rows)
        var sentences = [[Int]](repeating: [], count: rows)
        var finished = [Bool](repeating: false, count: rows)
        let vocabulary = vocabularySize
        for _ in 0...maximumLength where finished.contains(false) {
            let (next, logProbabilities) = advance(tokens, latent: z, state: state)
            state = next
            let values = logProbabilities.scalars
            for row in 0..<rows where !finished[row] {
                let scores = values[(row * vocabulary)..<((row + 1) * vocabulary)]
                let word: Int
                switch strategy {
                case .sample(let temperature): word = Self.draw(scores, temperature: temperature, using: &generator)
                default: word = scores.indices.max { scores[$0] < scores[$1] }! - row * vocabulary
                }
                tokens[row] = word
                if word == Vocabulary.endID || sentences[row].count == maximumLength { finished[row] = true } else { sentences[row].append(word) }
            }
        }
        return sentences
    }

    /// One word drawn from softmax(scores / temperature); scores are log-probabilities.
    static func draw(_ scores: ArraySlice<Float>, temperature: Float, using generator: inout RandomGenerator) -> Int {
        let scaled = scores.map { Double($0 / Swift.max(temperature, 1e-6)) }
        let largest = scaled.max() ?? 0
        let weights = scaled.map { Foundation.exp($0 - largest) }
        var uniform: Float = 0
        withUnsafeMutablePointer(to: &uniform) { generator.fillUniform(UnsafeMutableBufferPointer(start: $0, count: 1)) }
        var threshold = Double(uniform) * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return index }
        }
        return weights.count - 1
    }

    /// Beam search for one code z [1, D] (or the language model's empty state).
    private func beamSearch(latent z: Tensor?, width: Int, maximumLength: Int) -> [Int] {
        precondition(width >= 1, "beam search: the width must be at least 1, got \(width)")
        struct Hypothesis { var words: [Int]; var score: Double; var row: Int }
        var state = initialState(latent: z, rows: 1)
        var alive = [Hypothesis(words: [], score: 0, row: 0)]
        var best: Hypothesis?
        let vocabulary = vocabularySize
        for _ in 0...maximumLength {
            let rows = alive.count
            let zRows = z.map { $0.broadcast(to: [rows, $0.shape[1]]) }
            let (next, logProbabilities) = advance(alive.map { $0.words.last ?? Vocabulary.startID }, latent: zRows,
                                                   state: state.gatherRows(alive.map(\.row)))
            state = next
            let values = logProbabilities.scalars
            var candidates: [(score: Double, parent: Int, word: Int)] = []
            for (parent, hypothesis) in alive.enumerated() {
                let scores = values[(parent * vocabulary)..<((parent + 1) * vocabulary)]
                // Each parent can contribute at most `width` children to the next beam.
                let top = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(width)
                for index in top {
                    candidates.append((hypothesis.score + Double(scores[index]), parent, index - parent * vocabulary))
                }
            }
            candidates.sort { $0.score > $1.score }
            var nextAlive: [Hypothesis] = []
            for candidate in candidates where nextAlive.count < width {
                let parent = alive[candidate.parent]
                if candidate.word == Vocabulary.endID || parent.words.count == maximumLength {
                    if best.map({ candidate.score > $0.score }) ?? true {
                        best = Hypothesis(words: parent.words, score: candidate.score, row: 0)
                    }
                } else {
                    nextAlive.append(Hypothesis(words: parent.words + [candidate.word], score: candidate.score, row: candidate.parent))
                }
            }
            // Scores only fall as words are added: once the best finished sentence beats every
            // live prefix, no continuation can overtake it.
            if let best, nextAlive.allSatisfy({ $0.score <= best.score }) { break }
            if nextAlive.isEmpty { break }
            alive = nextAlive
        }
        return best?.words ?? alive.first?.words ?? []
    }
}
