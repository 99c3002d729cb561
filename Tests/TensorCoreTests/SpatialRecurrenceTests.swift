import Foundation
import TestSupport
import XCTest
@testable import TensorCore

/// PixelRNN's recurrences against their definitions, written out pixel by pixel in Double: the
/// Row LSTM row by row, and the Diagonal LSTM on the explicitly skewed map, padding positions and
/// all, as the paper and the reference build it. (The gradient checks live in the one table of
/// ``GradientCheckTests``.)
final class SpatialRecurrenceTests: XCTestCase {
    /// [N, 4U, H, W] gates and the weight, drawn from a seeded generator.
    private func draw(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor(shape: Shape(shape), scalars: (0..<shape.reduce(1, *)).map { _ in scale * (2 * generator.nextUniform() - 1) })
    }

    private func cell(_ gates: [Double], _ previousCell: Double) -> (h: Double, c: Double) {
        let sigmoid = { (x: Double) in 1 / (1 + Foundation.exp(-x)) }
        let (o, f, i, g) = (sigmoid(gates[0]), sigmoid(gates[1]), sigmoid(gates[2]), Foundation.tanh(gates[3]))
        let c = f * previousCell + i * g
        return (o * Foundation.tanh(c), c)
    }

    /// A batch of 11 images: two groups of ``RecurrenceRounds``, the second partial.
    func testRowLSTMFollowsItsDefinition() {
        let (batch, units, height, width, kernel) = (11, 3, 4, 5, 3)
        let gates = draw([batch, 4 * units, height, width], seed: 1, scale: 2)
        let weight = draw([4 * units, units, kernel], seed: 2)
        let result = gates.rowLSTMRecurrence(stateWeight: weight)
        let x = gates.scalars.map(Double.init), w = weight.scalars.map(Double.init)
        var worst = 0.0
        for n in 0..<batch {
            var h = [[Double]](repeating: [Double](repeating: 0, count: units), count: width)
            var c = h
            for r in 0..<height {
                var nextH = h, nextC = c
                for column in 0..<width {
                    let pre = (0..<(4 * units)).map { g -> Double in
                        var sum = x[((n * 4 * units + g) * height + r) * width + column]
                        for tap in 0..<kernel {
                            let source = column + tap - kernel / 2
                            guard source >= 0 && source < width else { continue }
                            for j in 0..<units { sum += w[(g * units + j) * kernel + tap] * h[source][j] }
                        }
                        return sum
                    }
                    for j in 0..<units {
                        (nextH[column][j], nextC[column][j]) = cell([pre[j], pre[units + j], pre[2 * units + j], pre[3 * units + j]], c[column][j])
                        let got = Double(result.scalars[((n * units + j) * height + r) * width + column])
                        worst = max(worst, abs(got - nextH[column][j]))
                    }
                }
                (h, c) = (nextH, nextC)
            }
        }
        XCTAssertLessThan(worst, 1e-5)
    }

    /// The groups of images (``RecurrenceRounds``) run side by side on two threads and in order on
    /// one; every recurrence's output and both gradients keep their bits.
    func testRecurrencesGiveTheSameBitsOnAnyThreadCount() {
        let gates = draw([19, 8, 3, 6], seed: 3, scale: 2), outputWeights = draw([19, 2, 3, 6], seed: 5)
        let recurrences: [(String, Tensor, (Tensor, Tensor) -> Tensor)] = [
            ("row LSTM", draw([8, 2, 3], seed: 4), { $0.rowLSTMRecurrence(stateWeight: $1) }),
            ("diagonal LSTM, left to right", draw([8, 2, 2], seed: 6), { $0.diagonalLSTMRecurrence(stateWeight: $1, direction: .leftToRight) }),
            ("diagonal LSTM, right to left", draw([8, 2, 2], seed: 7), { $0.diagonalLSTMRecurrence(stateWeight: $1, direction: .rightToLeft) }),
        ]
        for (name, weight, recurrence) in recurrences {
            func run(threads: Int) -> [[Float]] {
                ComputeThreads.set(threads)
                defer { ComputeThreads.set(1) }
                let x = Tensor(shape: gates.shape, scalars: gates.scalars, requiresGradient: true)
                let w = Tensor(shape: weight.shape, scalars: weight.scalars, requiresGradient: true)
                let output = recurrence(x, w)
                let gradients = (output * outputWeights).sum().backward()
                return [output.scalars, gradients[x]?.scalars ?? [], gradients[w]?.scalars ?? []]
            }
            let (one, two) = (run(threads: 1), run(threads: 2))
            for (index, part) in ["output", "gate gradient", "weight gradient"].enumerated() {
                XCTAssertEqual(one[index], two[index], "\(name): \(part) differs between one thread and two")
            }
        }
    }

    /// The reference's construction: skew the gate map (row i shifted right by i, zeros around),
    /// run every column of the skewed map, padding included, and unskew.
    private func skewedDiagonalLSTM(_ gates: Tensor, _ weight: Tensor, mirrored: Bool) -> [Double] {
        let (batch, height, width, units) = (gates.shape[0], gates.shape[2], gates.shape[3], gates.shape[1] / 4)
        let x = gates.scalars.map(Double.init), w = weight.scalars.map(Double.init)
        let skewedWidth = width + height - 1
        var output = [Double](repeating: 0, count: batch * units * height * width)
        for n in 0..<batch {
            var h = [[Double]](repeating: [Double](repeating: 0, count: units), count: height)
            var c = h
            for s in 0..<skewedWidth {
                var nextH = h, nextC = c
                for i in 0..<height {
                    let column = s - i   // column of the image (of its mirror image) at skewed column s
                    let inside = column >= 0 && column < width
                    let imageColumn = mirrored ? width - 1 - column : column
                    let pre = (0..<(4 * units)).map { g -> Double in
                        var sum = inside ? x[((n * 4 * units + g) * height + i) * width + imageColumn] : 0
                        for j in 0..<units {
                            if i > 0 { sum += w[(g * units + j) * 2] * h[i - 1][j] }
                            sum += w[(g * units + j) * 2 + 1] * h[i][j]
                        }
                        return sum
                    }
                    for j in 0..<units {
                        (nextH[i][j], nextC[i][j]) = cell([pre[j], pre[units + j], pre[2 * units + j], pre[3 * units + j]], c[i][j])
                        if inside { output[((n * units + j) * height + i) * width + imageColumn] = nextH[i][j] }
                    }
                }
                (h, c) = (nextH, nextC)
            }
        }
        return output
    }

    /// Shapes taller and wider than square, single rows and columns, and a batch of 11 images (two
    /// groups of ``RecurrenceRounds``, the second partial).
    func testDiagonalLSTMMatchesTheSkewedMapBothWaysAndShapes() {
        for (batch, height, width) in [(2, 4, 5), (2, 5, 3), (2, 1, 4), (2, 3, 1), (11, 3, 4)] {
            for direction in [DiagonalDirection.leftToRight, .rightToLeft] {
                let units = 2
                let gates = draw([batch, 4 * units, height, width], seed: 3, scale: 2)
                let weight = draw([4 * units, units, 2], seed: 4)
                let got = gates.diagonalLSTMRecurrence(stateWeight: weight, direction: direction).scalars.map(Double.init)
                let expected = skewedDiagonalLSTM(gates, weight, mirrored: direction == .rightToLeft)
                let worst = zip(got, expected).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThan(worst, 1e-5, "\(batch) of \(height)×\(width), \(direction)")
            }
        }
    }

    func testPassesWithoutGradientsGiveTheTrainingValues() {
        let gates = draw([3, 8, 5, 6], seed: 5, scale: 2).asVariable()
        let rowWeight = draw([8, 2, 3], seed: 6), diagonalWeight = draw([8, 2, 2], seed: 7)
        let training = [gates.rowLSTMRecurrence(stateWeight: rowWeight),
                        gates.diagonalLSTMRecurrence(stateWeight: diagonalWeight, direction: .rightToLeft)]
        let evaluation = withoutGradients {
            [gates.rowLSTMRecurrence(stateWeight: rowWeight),
             gates.diagonalLSTMRecurrence(stateWeight: diagonalWeight, direction: .rightToLeft)]
        }
        for (a, b) in zip(training, evaluation) { XCTAssertEqual(a.scalars, b.scalars) }
    }

    func testShiftedDownMovesRowsAndZeroesTheTop() {
        let x = Tensor(shape: [1, 1, 3, 2], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.shiftedDown(rows: 1).scalars, [0, 0, 1, 2, 3, 4])
        XCTAssertEqual(x.shiftedDown(rows: 0).scalars, x.scalars)
        XCTAssertEqual(x.shiftedDown(rows: 5).scalars, [0, 0, 0, 0, 0, 0])
    }
}
