import XCTest
@testable import TensorCore

/// The blocks of a GEMM on oneDNN depend on its shape alone and cover C exactly once.
final class GEMMBlocksTests: XCTestCase {
    func testBlocksFollowTheShape() {
        // The MLP VAE's fc1 forward: 40 M multiply-adds, 400 columns: cut into 2 blocks of 200 columns.
        XCTAssertEqual(GEMMBlocks.blocks(m: 128, n: 400, k: 784),
                       [GEMMBlock(rows: 0..<128, columns: 0..<200), GEMMBlock(rows: 0..<128, columns: 200..<400)])
        // Tall: rows are cut (40 M multiply-adds, 784 rows make 4 blocks of at least 128 rows).
        XCTAssertEqual(GEMMBlocks.blocks(m: 784, n: 400, k: 128).map(\.rows), [0..<196, 196..<392, 392..<588, 588..<784])
        // Volume limits the count: 8 M multiply-adds make two blocks.
        XCTAssertEqual(GEMMBlocks.blocks(m: 256, n: 256, k: 128).map(\.rows), [0..<128, 128..<256])
        // At most eight blocks.
        XCTAssertEqual(GEMMBlocks.blocks(m: 1024, n: 1024, k: 1024).count, 8)
        // Small products stay whole: 128×20×400 is a millionth of a second's work.
        XCTAssertEqual(GEMMBlocks.blocks(m: 128, n: 20, k: 400), [GEMMBlock(rows: 0..<128, columns: 0..<20)])
        // A short side limits the count: 100 rows make one block of at least 128.
        XCTAssertEqual(GEMMBlocks.blocks(m: 100, n: 90, k: 100_000).count, 1)
    }

    func testBlocksCoverEveryElementOnce() {
        for (m, n, k) in [(129, 257, 130), (300, 40, 2000), (40, 3000, 200), (1000, 999, 77), (64, 24, 3136)] {
            var covered = [Int](repeating: 0, count: m * n)
            for block in GEMMBlocks.blocks(m: m, n: n, k: k) {
                for row in block.rows { for column in block.columns { covered[row * n + column] += 1 } }
            }
            XCTAssertEqual(Set(covered), [1], "\(m)×\(n)×\(k)")
        }
    }
}
