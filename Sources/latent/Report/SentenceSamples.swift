import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// What a text model shows in its report: a few sentences decoded greedily and by sampling, and
/// for a sentence VAE a homotopy, the sentences along a straight path between two codes drawn
/// from the prior (Bowman et al., section 5.2). Seeded, so that the reports of successive epochs
/// decode the same codes.
struct SentenceSamples {
    let model: SentenceVAE
    let vocabulary: Vocabulary

    static let seed: UInt64 = 0x5E7E
    static let count = 4
    static let homotopySteps = 5
    static let maximumLength = 30

    func sections() -> [ReportSection] {
        var generator = RandomGenerator(seed: Self.seed)
        let z: Tensor? = model.isVariational ? Tensor.normal([Self.count, model.latentDimension], using: &generator) : nil
        let source = model.isVariational ? "codes drawn from the prior" : "the language model's empty state"
        let greedy = model.decode(latent: z, count: Self.count, strategy: .greedy, maximumLength: Self.maximumLength, using: &generator)
        let sampled = model.decode(latent: z, count: Self.count, strategy: .sample(temperature: 1), maximumLength: Self.maximumLength,
                                   using: &generator)
        var sections = [
            ReportSection(title: "Greedy sentences", note: "The most probable word at every step, from \(source).",
                          content: .lines(greedy.enumerated().map { .init(label: "\($0.offset + 1)", text: text($0.element)) })),
            ReportSection(title: "Sampled sentences", note: "Every word drawn from the decoder's softmax (temperature 1), from \(source).",
                          content: .lines(sampled.enumerated().map { .init(label: "\($0.offset + 1)", text: text($0.element)) })),
        ]
        if let z {
            let points = LatentPath.linear.points(from: z.slice(axis: 0, 0..<1), to: z.slice(axis: 0, 1..<2), steps: Self.homotopySteps)
            let path = model.decode(latent: points, strategy: .greedy, maximumLength: Self.maximumLength, using: &generator)
            sections.append(ReportSection(
                title: "Homotopy", note: "Greedy decodings along the straight line between the first two prior codes above.",
                content: .lines(path.enumerated().map {
                    .init(label: String(format: "t=%.2f", Double($0.offset) / Double(Self.homotopySteps - 1)), text: text($0.element))
                })))
        }
        return sections
    }

    func text(_ ids: [Int]) -> String { vocabulary.decode(ids).joined(separator: " ") }
}
