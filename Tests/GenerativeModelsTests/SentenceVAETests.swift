import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// The sentence VAE on tiny models: the objective's parts, historyless decoding, the
/// importance-weighted bound, learning, and bit-identical resumption.
final class SentenceVAETests: XCTestCase {
    /// 60 sentences of 2 to 6 words over ids 4..<12 (the ids past the four specials).
    static let sentences: [[Int]] = {
        var generator = RandomGenerator(seed: 11)
        return (0..<60).map { _ in (0..<(2 + generator.nextInt(below: 5))).map { _ in 4 + generator.nextInt(below: 8) } }
    }()

    func model(keepRate: Double = 0.75, latent: Int = 3, seed: UInt64 = 5, cell: RecurrentCell = .lstm) -> SentenceVAE {
        var generator = RandomGenerator(seed: seed)
        return SentenceVAE(vocabularySize: 12, embeddingSize: 6, hiddenSize: 8, cell: cell, latentDimension: latent,
                           keepRate: keepRate, using: &generator)
    }

    func batch(_ indices: Range<Int> = 0..<16) -> SentenceBatch {
        SentenceBatch(sentences: Self.sentences, indices: Array(indices))
    }

    func testHistorylessModelFeedsNoWords() {
        let input = model(keepRate: 0).evaluationInput(batch()).decoderInput
        for row in 0..<input.rows {
            XCTAssertEqual(input[row, 0], Vocabulary.startID)
            for column in 1..<input.columns {
                XCTAssert([Vocabulary.unknownID, Vocabulary.padID].contains(input[row, column]),
                          "row \(row), column \(column) carries word \(input[row, column])")
            }
        }
        // With k > 0 evaluation reads the true words.
        XCTAssertEqual(model(keepRate: 0.5).evaluationInput(batch()), batch())
    }

    func testReconstructionLossIsTheSummedTokenCrossEntropy() {
        for cell in RecurrentCell.allCases { assertReconstructionIsTheSummedCrossEntropy(cell: cell) }
    }

    /// The fused training path (one recurrence op over the batch) against decoding word by word.
    func assertReconstructionIsTheSummedCrossEntropy(cell: RecurrentCell, file: StaticString = #filePath, line: UInt = #line) {
        let vae = model(cell: cell)
        var generator = RandomGenerator(seed: 1)
        let single = batch(3..<4)
        let z = Tensor.normal([1, 3], using: &generator)
        let loss = withoutGradients { vae.reconstructionLoss(latent: z, batch: single) }.scalar
        // Step by step through the decoder: Σ_t −log p(target_t | inputs up to t, z).
        var state = vae.initialState(latent: z, rows: 1)
        var expected: Float = 0
        withoutGradients {
            for t in 0...single.lengths[0] {
                let (next, logProbabilities) = vae.advance([single.decoderInput[0, t]], latent: z, state: state)
                state = next
                expected -= logProbabilities.scalars[single.targets[0, t]]
            }
        }
        XCTAssertEqual(loss, expected, accuracy: 1e-4 * abs(expected), "\(cell)", file: file, line: line)
    }

    func testAnalyticKLMatchesMonteCarlo() {
        let vae = model()
        let posterior = withoutGradients { vae.encode(batch()) }
        let analytic = posterior.klDivergencePerDimensionFromStandardNormal().sum(axis: 1).scalars
        var generator = RandomGenerator(seed: 3)
        let draws = 4000
        var estimate = [Double](repeating: 0, count: analytic.count)
        withoutGradients {
            for _ in 0..<draws {
                let (z, _) = posterior.sample(using: &generator)
                let logRatio = posterior.logDensity(z) - DiagonalGaussian.standardNormalLogDensity(z)
                for (row, value) in logRatio.scalars.enumerated() { estimate[row] += Double(value) / Double(draws) }
            }
        }
        for (row, value) in analytic.enumerated() {
            XCTAssertEqual(estimate[row], Double(value), accuracy: 0.05 + 0.05 * Double(value), "sentence \(row)")
        }
    }

    func testImportanceWeightedBoundIsAtLeastTheELBO() {
        let vae = model()
        let sentences = Array(Self.sentences.prefix(20))
        var generator = RandomGenerator(seed: 8)
        // The ELBO averaged over many single-sample draws, against K = 50.
        var elbo = 0.0
        for _ in 0..<20 { elbo += vae.evaluate(sentences, using: &generator).elbo / 20 }
        let iwae = vae.importanceWeightedLogLikelihood(sentences, samples: 50, using: &generator)
        XCTAssertEqual(iwae.count, sentences.count)
        XCTAssertGreaterThan(iwae.logLikelihood, elbo)
        // K = 1 is itself a single-sample ELBO: close to the averaged one.
        let single = vae.importanceWeightedLogLikelihood(sentences, samples: 1, using: &generator)
        XCTAssertEqual(single.logLikelihood, elbo, accuracy: 0.1 * abs(elbo))
    }

    func testFreeBitsOnlyChangeTheObjective() {
        let vae = model()
        var first = RandomGenerator(seed: 2), second = RandomGenerator(seed: 2)
        let plain = vae.trainingLoss(batch(), beta: 1, using: &first)
        let floored = vae.trainingLoss(batch(), beta: 1, freeBits: 5, using: &second)
        XCTAssertEqual(plain.kl.scalar, floored.kl.scalar)
        XCTAssertEqual(plain.reconstruction.scalar, floored.reconstruction.scalar)
        // Every dimension's batch-mean KL is far below 5 nats at initialization: the term is 3 · 5.
        XCTAssertEqual(floored.total.scalar, floored.reconstruction.scalar + 15, accuracy: 1e-3)
    }

    func testLossFallsOnASmallBatch() {
        for cell in RecurrentCell.allCases { assertLossFalls(cell: cell) }
    }

    /// Learning on real English: 64 training sentences of the fortunes corpus (the default data),
    /// a vocabulary of their words, and both recurrent cells. The −ELBO (β = 1, word dropout on)
    /// of a fixed batch must fall by a quarter in 40 updates.
    func testLossFallsOnRealFortunesSentences() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: FortunesCorpus.defaultDirectory.path),
                          "needs Debian's fortunes package (scripts/install-dependencies.sh installs it)")
        let sentences = Array(try FortunesCorpus().splits.training.prefix(64))
        let vocabulary = Vocabulary(training: sentences, minimumCount: 1)
        let ids = vocabulary.encode(sentences)
        let halves = [SentenceBatch(sentences: ids, indices: Array(0..<32)), SentenceBatch(sentences: ids, indices: Array(32..<64))]
        for cell in RecurrentCell.allCases {
            var generator = RandomGenerator(seed: 8)
            let vae = SentenceVAE(vocabularySize: vocabulary.count, embeddingSize: 32, hiddenSize: 32, cell: cell,
                                  latentDimension: 8, keepRate: 0.75, using: &generator)
            let optimizer = Adam(parameters: vae.namedParameters, learningRate: 1e-2)
            func measured() -> Float {
                var noise = RandomGenerator(seed: 9)
                return withoutGradients { vae.trainingLoss(halves[0], beta: 1, using: &noise).total.scalar }
            }
            let before = measured()
            for step in 0..<40 {
                var gradients = vae.trainingLoss(halves[step % 2], beta: 1, using: &generator).total.backward()
                gradients.clipGlobalNorm(to: 5)
                optimizer.step(gradients)
            }
            let after = measured()
            XCTAssertLessThan(after, 0.75 * before, "\(cell): −ELBO per sentence \(before) → \(after)")
        }
    }

    func assertLossFalls(cell: RecurrentCell, file: StaticString = #filePath, line: UInt = #line) {
        let vae = model(keepRate: 1, cell: cell)
        let optimizer = Adam(parameters: vae.namedParameters, learningRate: 1e-2)
        var generator = RandomGenerator(seed: 4)
        let fixed = batch()
        var losses: [Float] = []
        for _ in 0..<40 {
            let loss = vae.trainingLoss(fixed, beta: 1, using: &generator)
            losses.append(loss.total.scalar)
            var gradients = loss.total.backward()
            gradients.clipGlobalNorm(to: 5)
            optimizer.step(gradients)
        }
        XCTAssertLessThan(losses.suffix(5).reduce(0, +) / 5, 0.85 * losses[0], "\(cell): losses \(losses)", file: file, line: line)
    }

    func testDecodingStrategiesGiveSentences() {
        let vae = model()
        var generator = RandomGenerator(seed: 6)
        let z = Tensor.normal([2, 3], using: &generator)
        for strategy in [DecodingStrategy.greedy, .beam(width: 3), .sample(temperature: 0.7)] {
            let sentences = vae.decode(latent: z, strategy: strategy, maximumLength: 7, using: &generator)
            XCTAssertEqual(sentences.count, 2)
            XCTAssert(sentences.allSatisfy { $0.count <= 7 && !$0.contains(Vocabulary.endID) }, "\(strategy): \(sentences)")
        }
        let lm = model(latent: 0)
        XCTAssertEqual(lm.decode(latent: nil, count: 3, maximumLength: 5, using: &generator).count, 3)
    }

    func testSphericalPathKeepsEndsAndTypicalNorms() {
        let a = Tensor(shape: [2], scalars: [3, 0]), b = Tensor(shape: [2], scalars: [0, 3])
        for kind in LatentPath.allCases {
            let points = kind.points(from: a, to: b, steps: 5).scalars
            XCTAssertEqual(Array(points.prefix(2)), [3, 0])
            XCTAssertEqual(points[8], 0, accuracy: 1e-6)
            XCTAssertEqual(points[9], 3, accuracy: 1e-6)
        }
        let middle = LatentPath.spherical.points(from: a, to: b, steps: 3).scalars
        XCTAssertEqual((middle[2] * middle[2] + middle[3] * middle[3]).squareRoot(), 3, accuracy: 1e-5)
    }

    func testResumingMidEpochIsBitIdentical() throws {
        var configuration = SentenceVAEConfiguration()
        (configuration.embeddingSize, configuration.hiddenSize, configuration.latentDimension) = (6, 8, 3)
        (configuration.batchSize, configuration.epochs, configuration.freeBits) = (8, 2, 0.1)
        let sentences = SentenceTrainingData(Self.sentences, batchSize: configuration.batchSize)
        let straight = try configuration.makeTrainer(vocabularySize: 12)
        for _ in 0..<2 {
            XCTAssert(straight.trainEpoch(on: sentences))
            _ = straight.finishEpoch()
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sentence-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = folder.appendingPathComponent("checkpoint.safetensors")
        let first = try configuration.makeTrainer(vocabularySize: 12)
        var batches = 0
        XCTAssertFalse(first.trainEpoch(on: sentences, shouldStop: { batches == 3 }) { done, _ in batches = done })
        try first.saveCheckpoint(to: checkpoint)
        let resumed = try configuration.makeTrainer(vocabularySize: 12)
        try resumed.loadCheckpoint(from: checkpoint)
        XCTAssertEqual(resumed.batchesDone, 3)
        while resumed.completedEpochs < 2 {
            XCTAssert(resumed.trainEpoch(on: sentences))
            _ = resumed.finishEpoch()
        }
        for ((name, expected), (_, found)) in zip(straight.model.namedParameters, resumed.model.namedParameters) {
            XCTAssertEqual(expected.scalars, found.scalars, name)
        }
        XCTAssertEqual(straight.noise, resumed.noise)
    }

    /// The same steps with bf16 GEMMs, for both cells: the loss must fall as far.
    func testLossFallsOnASmallBatchInBFloat16() { GEMMPrecision.with(.bfloat16) { testLossFallsOnASmallBatch() } }
}
