import TestSupport
import XCTest
@testable import TensorCore

/// The channels-first cross-entropy gives what moving the classes last and taking the row-wise
/// cross-entropy gives: the same losses and the same gradient, also where logits are infinite.
final class ChannelCrossEntropyTests: XCTestCase {
    /// Losses and gradients of both forms for logits [N, C, S] and labels in (n, s) order.
    func bothForms(_ logits: [Float], shape: [Int], labels: [Int]) -> (channels: ([Float], [Float]), rows: ([Float], [Float])) {
        let (items, classes, positions) = (shape[0], shape[1], shape[2])
        func run(_ loss: (Tensor) -> Tensor) -> ([Float], [Float]) {
            let x = Tensor(shape: Shape(shape), scalars: logits, requiresGradient: true)
            let losses = loss(x)
            // Unequal upstream weights, so the VJP's scaling by the upstream counts.
            let weights = Tensor(shape: losses.shape, scalars: (0..<losses.shape.elementCount).map { Float($0 % 3 + 1) })
            let gradient = (losses * weights).sum().backward()[x]!
            return (losses.scalars, gradient.scalars)
        }
        let channels = run { $0.crossEntropyAlongChannels(labels: labels) }
        let rows = run { x in
            x.permuted([0, 2, 1]).reshaped([items * positions, classes]).crossEntropy(labels: labels).reshaped([items, positions])
        }
        return (channels, rows)
    }

    func testMatchesTheRowFormOnManyClassesAndPartialTiles() {
        // 256 classes as the colour models have, 3 items of 10×15 pixels: two whole tiles of 64
        // positions and a partial one per item.
        let shape = [3, 256, 150]
        var generator = RandomGenerator(seed: 7)
        let logits = Tensor.normal(Shape(shape), standardDeviation: 3, using: &generator).scalars
        let labels = (0..<(3 * 150)).map { ($0 * 37 + 11) % 256 }
        let (channels, rows) = bothForms(logits, shape: shape, labels: labels)
        assertClose(channels.0, rows.0, tolerance: 1e-5, "losses")
        assertClose(channels.1, rows.1, tolerance: 1e-5, "gradients")
        // Not trivially zero: a loss near log 256 + the spread of the logits.
        XCTAssertGreaterThan(channels.0.reduce(0, +) / Float(labels.count), 3)
    }

    func testInfiniteLogitsAsTheRowForm() {
        // Two positions, three classes: one position with a class at −∞, one whose labelled class is +∞.
        let logits: [Float] = [-.infinity, 1, 2, .infinity, 0.5, -1]   // [1, 3, 2]: classes along the middle axis
        let (channels, rows) = bothForms(logits, shape: [1, 3, 2], labels: [1, 1])
        XCTAssertEqual(channels.0.map { $0.isNaN }, rows.0.map { $0.isNaN })
        for (a, b) in zip(channels.0, rows.0) where !b.isNaN { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(channels.1.map { $0.isNaN }, rows.1.map { $0.isNaN })
        for (a, b) in zip(channels.1, rows.1) where !b.isNaN { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testWithoutATapeGivesTheSameLosses() {
        let shape = [2, 10, 70]
        var generator = RandomGenerator(seed: 3)
        let logits = Tensor.normal(Shape(shape), using: &generator).scalars
        let labels = (0..<140).map { $0 % 10 }
        let recorded = bothForms(logits, shape: shape, labels: labels).channels.0
        let plain = GradientTape.$isRecording.withValue(false) {
            Tensor(shape: Shape(shape), scalars: logits).crossEntropyAlongChannels(labels: labels).scalars
        }
        XCTAssertEqual(recorded, plain)
    }
}
