import XCTest
@testable import TensorCore

/// Permutations that are batched transposes, copied by tiles, against the element-by-element copy.
final class BatchedTransposeTests: XCTestCase {
    override func tearDown() { Tensor.permutesByTiles = true }

    /// Which permutations are batched transposes, and of which matrices.
    func testViewRecognizesMovedAxisBlocks() {
        let dimensions = [2, 5, 3, 7]
        XCTAssert(BatchedTranspose.view(of: dimensions, axes: [0, 2, 3, 1])! == (2, 5, 21), "channels to the end")
        XCTAssert(BatchedTranspose.view(of: dimensions, axes: [0, 3, 1, 2])! == (2, 15, 7), "channels back")
        XCTAssert(BatchedTranspose.view(of: dimensions, axes: [0, 1, 3, 2])! == (10, 3, 7), "the last two axes")
        XCTAssert(BatchedTranspose.view(of: dimensions, axes: [3, 0, 1, 2])! == (1, 30, 7), "the last axis first")
        XCTAssertNil(BatchedTranspose.view(of: dimensions, axes: [0, 1, 2, 3]), "the identity moves nothing")
        XCTAssertNil(BatchedTranspose.view(of: dimensions, axes: [1, 0, 3, 2]), "two separate swaps")
        XCTAssertNil(BatchedTranspose.view(of: dimensions, axes: [0, 3, 2, 1]), "a reversed block")
    }

    /// Tiles give exactly the element-by-element copy, for sizes below, at and past the tile's
    /// side, with and without threads, and gradients flow back through the inverse permutation.
    func testTilesMatchTheElementCopy() {
        var generator = RandomGenerator(seed: 5)
        let cases: [([Int], [Int])] = [
            ([3, 96, 8, 8], [0, 2, 3, 1]), ([3, 64, 33], [0, 2, 1]), ([2, 31, 65], [0, 2, 1]),
            ([4, 768, 32, 32], [0, 2, 3, 1]), ([2, 1024, 7], [0, 2, 1]), ([5, 6, 7], [2, 0, 1]),
            ([2, 3, 4, 5], [0, 1, 3, 2]), ([2, 3, 4], [1, 0, 2]),
        ]
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            for (dimensions, axes) in cases {
                let input = Tensor.normal(Shape(dimensions), using: &generator)
                Tensor.permutesByTiles = false
                let expected = input.permuted(axes)
                Tensor.permutesByTiles = true
                let tiled = input.permuted(axes)
                XCTAssertEqual(tiled.shape, expected.shape)
                XCTAssertEqual(zip(tiled.scalars, expected.scalars).filter { $0 != $1 }.count, 0,
                               "\(dimensions) permuted by \(axes), \(threads) threads")
            }
        }
    }
}
