import XCTest
@testable import TensorCore

final class RandomGeneratorTests: XCTestCase {
    /// Known-answer vectors from Random123's kat_vectors file (philox4x32_10).
    func testPhiloxMatchesPublishedKnownAnswers() {
        XCTAssertEqual(RandomGenerator.philox(counter: SIMD4(0, 0, 0, 0), key: SIMD2(0, 0)),
                       SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        XCTAssertEqual(RandomGenerator.philox(counter: SIMD4(repeating: 0xffff_ffff), key: SIMD2(repeating: 0xffff_ffff)),
                       SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        XCTAssertEqual(RandomGenerator.philox(counter: SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344),
                                              key: SIMD2(0xa409_3822, 0x299f_31d0)),
                       SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    func testSameSeedGivesBitIdenticalDraws() {
        var first = RandomGenerator(seed: 42), second = RandomGenerator(seed: 42)
        let a = Tensor.normal([1000], using: &first), b = Tensor.normal([1000], using: &second)
        XCTAssertEqual(a.scalars.map(\.bitPattern), b.scalars.map(\.bitPattern))
        XCTAssertEqual(first, second)
        var other = RandomGenerator(seed: 43)
        XCTAssertNotEqual(Tensor.normal([1000], using: &other).scalars, a.scalars)
    }

    /// Draws are a function of (seed, counter) only, so the thread count cannot change them.
    func testDrawsDoNotDependOnThreadCount() {
        defer { ComputeThreads.set(1) }
        var draws: [[Float]] = []
        for threads in [1, 2, 3] {
            ComputeThreads.set(threads)
            var generator = RandomGenerator(seed: 9)
            // Large enough to be split across threads.
            draws.append(Tensor.normal([300_001], using: &generator).scalars + Tensor.uniform([300_001], using: &generator).scalars)
        }
        XCTAssertEqual(draws[0], draws[1])
        XCTAssertEqual(draws[0], draws[2])
    }

    func testResumingFromASavedCounterContinuesTheStream() {
        var generator = RandomGenerator(seed: 5)
        _ = Tensor.uniform([10], using: &generator)
        var restored = RandomGenerator(seed: generator.seed, counter: generator.counter)
        XCTAssertEqual(Tensor.normal([7], using: &generator).scalars, Tensor.normal([7], using: &restored).scalars)
    }

    func testNormalAndUniformMoments() {
        var generator = RandomGenerator(seed: 1)
        let count = 200_000
        let normal = Tensor.normal([count], mean: 2, standardDeviation: 3, using: &generator).scalars.map(Double.init)
        let mean = normal.reduce(0, +) / Double(count)
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)
        // Standard errors: 3/√n ≈ 0.0067 for the mean, about 9·√(2/n) ≈ 0.028 for the variance.
        XCTAssertEqual(mean, 2, accuracy: 0.03)
        XCTAssertEqual(variance, 9, accuracy: 0.12)
        let uniform = Tensor.uniform([count], low: -1, high: 3, using: &generator).scalars
        XCTAssert(uniform.allSatisfy { $0 >= -1 && $0 < 3 })
        XCTAssertEqual(Double(uniform.reduce(0, +)) / Double(count), 1, accuracy: 0.02)
    }

    func testPermutationIsAPermutationAndIntegersAreInRange() {
        var generator = RandomGenerator(seed: 3)
        let permutation = generator.permutation(1000)
        XCTAssertEqual(permutation.sorted(), Array(0..<1000))
        XCTAssertNotEqual(permutation, Array(0..<1000))
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<3000 { counts[generator.nextInt(below: 3)] += 1 }
        XCTAssert(counts.allSatisfy { $0 > 900 && $0 < 1100 }, "\(counts)")
    }
}
