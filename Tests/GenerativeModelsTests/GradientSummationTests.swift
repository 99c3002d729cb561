@testable import GenerativeModels
import TensorCore
import XCTest

/// The gradients' sum across processes, laid out in buckets and back, with a stand-in group of
/// identical processes (each sum is the size times the value), so the layout is what is tested.
final class GradientSummationTests: XCTestCase {
    func testBucketsHoldWholeParametersAndTheWeightedSumComesBackInPlace() {
        var generator = RandomGenerator(seed: 4)
        let parameters = [[3, 5], [7], [2, 2, 2], [11, 3], [1]].enumerated().map { index, shape in
            (name: "p\(index)", tensor: Tensor.normal(Shape(shape), using: &generator, requiresGradient: true))
        }
        var gradients = Gradients()
        for (index, parameter) in parameters.enumerated() where index != 2 {
            gradients.setGradient(Tensor.normal(parameter.tensor.shape, using: &generator), for: parameter.tensor)
        }
        let group = IdenticalProcesses(size: 4)
        // In reverse, as backward completes them, at most 20 values a bucket: [1], [33] (alone,
        // larger than a bucket), [8, 7], [15].
        let summation = GradientSummation(parameters: parameters, group: group, bucketCapacity: 20)
        XCTAssertEqual(summation.bucketOrder, [4, 3, 2, 1, 0])
        XCTAssertEqual(summation.buckets, [0..<1, 1..<2, 2..<4, 4..<5])
        XCTAssertEqual(summation.bytesPerStep, (15 + 7 + 8 + 33 + 1) * 4)

        let present = parameters.indices.map { $0 != 2 }
        summation.begin(weight: 0.25)
        summation.gradientsAreDone(gradients)
        let summed = summation.finish(present: present)
        XCTAssertEqual(group.sums, 4, "one sum per bucket")
        for (index, parameter) in parameters.enumerated() {
            guard let local = gradients[parameter.tensor] else {
                XCTAssertNil(summed[parameter.tensor], "no process had a gradient for p\(index)")
                continue
            }
            // 4 identical processes, each weighing its gradient by a quarter: the gradient itself.
            XCTAssertEqual(summed[parameter.tensor]!.scalars, local.scalars.map { $0 * 0.25 * 4 }, "p\(index)")
        }
    }

    func testAParameterWithoutAGradientHereGetsTheOthersSum() {
        var generator = RandomGenerator(seed: 5)
        let parameter = Tensor.normal([6], using: &generator, requiresGradient: true)
        let summation = GradientSummation(parameters: [("w", parameter)], group: IdenticalProcesses(size: 2))
        summation.begin(weight: 0.5)
        let summed = summation.finish(present: [true])
        XCTAssertEqual(summed[parameter]?.scalars, [Float](repeating: 0, count: 6), "zeros from this process")
    }

    func testSharesCoverTheBatchInRankOrder() {
        for (count, size) in [(128, 2), (7, 3), (2, 3), (1, 1)] {
            let shares = (0..<size).map { BatchShard.share(ofBatch: count, rank: $0, processes: size) }
            XCTAssertEqual(shares.map(\.rows).reduce(0, +), count)
            XCTAssertEqual(shares.first?.firstRow, 0)
            for (previous, next) in zip(shares, shares.dropFirst()) {
                XCTAssertEqual(previous.firstRow + previous.rows, next.firstRow)
                XCTAssertLessThanOrEqual(abs(previous.rows - next.rows), 1, "even shares")
            }
        }
    }
}

/// `size` processes that all hold what this one holds: a sum multiplies by the size.
private final class IdenticalProcesses: ProcessGroup {
    let rank = 0
    let size: Int
    private(set) var sums = 0

    init(size: Int) { self.size = size }

    func startSumInPlace(_ values: UnsafeMutableBufferPointer<Float>) -> any PendingReduction {
        sums += 1
        for index in values.indices { values[index] *= Float(size) }
        return Done()
    }

    func sumInPlace(_ values: inout [Double]) { values = values.map { $0 * Double(size) } }
    func maximumInPlace(_ values: inout [UInt64]) {}
    func broadcast(_ bytes: inout [UInt8], from root: Int) {}
    func barrier() {}

    private struct Done: PendingReduction {
        func poll() {}
        func wait() {}
    }
}
