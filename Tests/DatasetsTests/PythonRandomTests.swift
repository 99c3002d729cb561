@testable import Datasets
import XCTest

/// `PythonRandom` against CPython 3.11.7's `random` module; each expected value was printed by
/// the Python expression in the comment beside it.
final class PythonRandomTests: XCTestCase {
    func testRawOutputs() {
        // [random.Random(1234).getrandbits(32) for _ in range(3)]
        var random = PythonRandom(seed: 1234)
        XCTAssertEqual((0..<3).map { _ in random.nextWord() }, [4_150_886_329, 3_342_196_574, 1_892_932_127])
    }

    func testShuffles() {
        // x = list(range(10)); random.Random(1234).shuffle(x)
        var items = Array(0..<10)
        var random = PythonRandom(seed: 1234)
        random.shuffle(&items)
        XCTAssertEqual(items, [2, 8, 3, 5, 6, 4, 9, 0, 1, 7])

        // x = list(range(20)); random.Random(0).shuffle(x)
        items = Array(0..<20)
        random = PythonRandom(seed: 0)
        random.shuffle(&items)
        XCTAssertEqual(items, [10, 18, 16, 14, 0, 17, 11, 2, 3, 9, 5, 7, 4, 19, 6, 15, 8, 1, 13, 12])

        // A seed above 2³² is two key words: x = list(range(1000)); random.Random(2**40 + 7).shuffle(x); x[:10]
        items = Array(0..<1000)
        random = PythonRandom(seed: (1 << 40) + 7)
        random.shuffle(&items)
        XCTAssertEqual(Array(items.prefix(10)), [612, 556, 729, 117, 273, 379, 661, 186, 930, 477])
    }
}
