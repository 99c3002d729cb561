import Datasets
import TensorCore
import XCTest

/// Batch layout, masks, and the training and evaluation orders of `SentenceBatcher`.
final class SentenceBatchTests: XCTestCase {
    /// Ids ≥ 4 are words; lengths 3, 1, 2.
    private let sentences = [[7, 8, 9], [5], [6, 4]]

    func testLayoutShapesAndPadding() {
        let batch = SentenceBatch(sentences: sentences, indices: [0, 1, 2])
        XCTAssertEqual(batch.count, 3)
        XCTAssertEqual(batch.maximumLength, 3)
        XCTAssertEqual(batch.lengths, [3, 1, 2])
        XCTAssertEqual(batch.decoderLengths, [4, 2, 3])
        XCTAssertEqual(batch.targetTokenCount, 9)

        XCTAssertEqual(batch.encoderInput.tensor.shape, [3, 3])
        XCTAssertEqual(batch.decoderInput.tensor.shape, [3, 4])
        XCTAssertEqual(batch.targets.tensor.shape, [3, 4])
        XCTAssertEqual(batch.lengthsTensor.shape, [3])
        XCTAssertEqual(batch.encoderMask.shape, [3, 3])
        XCTAssertEqual(batch.targetMask.shape, [3, 4])

        XCTAssertEqual(batch.encoderInput.ids, [7, 8, 9,
                                                5, 0, 0,
                                                6, 4, 0])
        XCTAssertEqual(batch.decoderInput.ids, [2, 7, 8, 9,
                                                2, 5, 0, 0,
                                                2, 6, 4, 0])
        XCTAssertEqual(batch.targets.ids, [7, 8, 9, 3,
                                           5, 3, 0, 0,
                                           6, 4, 3, 0])
        XCTAssertEqual(batch.encoderInput.tensor.scalars, [7, 8, 9, 5, 0, 0, 6, 4, 0])
        XCTAssertEqual(batch.lengthsTensor.scalars, [3, 1, 2])
        XCTAssertEqual(batch.encoderMask.scalars, [1, 1, 1, 1, 0, 0, 1, 1, 0])
        XCTAssertEqual(batch.targetMask.scalars, [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0])
    }

    /// Time-major views feed an LSTM step by step.
    func testTimeMajorViews() {
        let batch = SentenceBatch(sentences: sentences, indices: [2, 0])
        XCTAssertEqual(batch.indices, [2, 0])
        XCTAssertEqual(batch.decoderInput.column(0), [2, 2])
        XCTAssertEqual(batch.decoderInput.column(2), [4, 8])
        XCTAssertEqual(batch.targets.timeMajor, [6, 7, 4, 8, 3, 9, 0, 3])
        XCTAssertEqual(Array(batch.encoderInput.row(0)), [6, 4, 0])
        XCTAssertEqual(batch.targets[1, 3], 3)
    }

    /// Every sentence once per epoch, in batches of at most N; plain shuffling cuts the
    /// permutation in order, so only the last batch is short.
    func testTrainingEpochCoversEverySentenceOnce() {
        let data = (0..<250).map { Array(repeating: 4, count: 1 + ($0 * 7) % 23) }
        for pool: Int? in [nil, 2, 100] {
            let batcher = SentenceBatcher(sentences: data, batchSize: 32, poolBatches: pool)
            var generator = RandomGenerator(seed: 3)
            let epoch = batcher.trainingEpoch(using: &generator)
            XCTAssertEqual(epoch.flatMap { $0 }.sorted(), Array(0..<250), "pool \(String(describing: pool))")
            XCTAssertEqual(epoch.count, batcher.batchCount)
            XCTAssertTrue(epoch.allSatisfy { $0.count <= 32 && !$0.isEmpty })
        }
        // Pools of 2 batches over 250: 4 pools of 64 are 8 full batches, … the last pool of 58 is 32 + 26.
        XCTAssertEqual(SentenceBatcher(sentences: data, batchSize: 32, poolBatches: 2).batchCount, 8)
        XCTAssertEqual(SentenceBatcher(sentences: data, batchSize: 100, poolBatches: nil).batchCount, 3)
    }

    func testSameSeedSameEpochAndEpochsDiffer() {
        let data = (0..<100).map { Array(repeating: 4, count: 1 + $0 % 9) }
        let batcher = SentenceBatcher(sentences: data, batchSize: 8)
        var first = RandomGenerator(seed: 11), second = RandomGenerator(seed: 11)
        let epoch = batcher.trainingEpoch(using: &first)
        XCTAssertEqual(batcher.trainingEpoch(using: &second), epoch)
        XCTAssertNotEqual(batcher.trainingEpoch(using: &first), epoch, "the next epoch has a new order")
        var other = RandomGenerator(seed: 12)
        XCTAssertNotEqual(batcher.trainingEpoch(using: &other), epoch)
    }

    /// Within a pool batches are length-sorted, so bucketing cuts padding sharply.
    func testBucketingReducesPadding() {
        var lengths = RandomGenerator(seed: 5)
        let data = (0..<3200).map { _ in Array(repeating: 4, count: 1 + lengths.nextInt(below: 40)) }
        var generator = RandomGenerator(seed: 1)
        let plain = SentenceBatcher(sentences: data, batchSize: 32, poolBatches: nil)
        let bucketed = SentenceBatcher(sentences: data, batchSize: 32)
        let plainPadding = plain.paddingFraction(of: plain.trainingEpoch(using: &generator))
        let bucketedEpoch = bucketed.trainingEpoch(using: &generator)
        let bucketedPadding = bucketed.paddingFraction(of: bucketedEpoch)
        XCTAssertGreaterThan(plainPadding, 0.4, "lengths uniform in 1…40 leave about half of each grid empty")
        XCTAssertLessThan(bucketedPadding, 0.05)
        for batch in bucketedEpoch {
            let spread = batch.map { data[$0].count }
            XCTAssertLessThanOrEqual(spread.max()! - spread.min()!, 2)
        }
    }

    /// Evaluation: length-sorted with ties in split order, or the split's order; never random.
    func testEvaluationBatches() {
        let data = [[4, 4, 4], [4], [4, 4], [4], [4, 4, 4, 4]]
        let batcher = SentenceBatcher(sentences: data, batchSize: 2)
        XCTAssertEqual(batcher.evaluationBatches(), [[1, 3], [2, 0], [4]])
        XCTAssertEqual(batcher.evaluationBatches(sortedByLength: false), [[0, 1], [2, 3], [4]])
        XCTAssertEqual(batcher.batch([1, 3]).maximumLength, 1)
    }
}
