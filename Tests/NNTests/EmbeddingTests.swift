import XCTest
import TensorCore
@testable import NN

final class EmbeddingTests: XCTestCase {
    func testLookupReturnsTheTokensRowsInOrder() {
        var generator = RandomGenerator(seed: 5)
        let embedding = Embedding(vocabularySize: 6, width: 4, using: &generator)
        XCTAssertEqual(embedding.namedParameters.map(\.name), ["weight"])
        XCTAssertEqual(embedding.weight.shape, [6, 4])
        let table = embedding.weight.scalars
        let tokens = [3, 0, 5, 3]
        let rows = embedding(tokens)
        XCTAssertEqual(rows.shape, [4, 4])
        XCTAssertEqual(rows.scalars, tokens.flatMap { Array(table[(4 * $0)..<(4 * $0 + 4)]) })
    }

    /// A token used twice gets the sum of both rows' upstream gradients; unused tokens get zero.
    func testGradientAccumulatesForRepeatedTokens() throws {
        var generator = RandomGenerator(seed: 6)
        let embedding = Embedding(vocabularySize: 5, width: 2, using: &generator)
        let upstream = Tensor(shape: [3, 2], scalars: [1, 2, 10, 20, 100, 200])
        let gradients = (embedding([4, 1, 4]) * upstream).sum().backward()
        let gradient = try XCTUnwrap(gradients[embedding.weight])
        XCTAssertEqual(gradient.shape, [5, 2])
        XCTAssertEqual(gradient.scalars, [0, 0, 10, 20, 0, 0, 0, 0, 101, 202])
    }

    /// PyTorch's nn.Embedding draws N(0, 1).
    func testInitializationIsStandardNormal() {
        var generator = RandomGenerator(seed: 7)
        let values = Embedding(vocabularySize: 100, width: 100, using: &generator).weight.scalars
        let mean = values.reduce(0, +) / Float(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)
        XCTAssertEqual(mean, 0, accuracy: 0.04)   // 4 standard errors of a mean of 10 000 draws
        XCTAssertEqual(variance, 1, accuracy: 0.06)
    }
}
