import TestSupport
import XCTest
@testable import TensorCore

/// Forward values against independent references. Each test says where its numbers come from.
final class ReferenceValueTests: XCTestCase {
    /// PyTorch 2.15:
    ///   x = torch.tensor([[1., 2., 3.], [-1., .5, 4.]])
    ///   F.cross_entropy(x, torch.tensor([0, 2]), reduction='none')  → [2.4076059, 0.0362696]
    ///   F.log_softmax(x, dim=1) → [[-2.4076059, -1.4076059, -0.4076059], [-5.0362697, -3.5362697, -0.0362696]]
    func testCrossEntropyAndLogSoftmaxMatchPyTorch() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, -1, 0.5, 4])
        assertClose(x.crossEntropy(labels: [0, 2]).scalars, [2.4076059, 0.0362696], tolerance: 1e-5)
        assertClose(x.logSoftmax().scalars, [-2.4076059, -1.4076059, -0.4076059, -5.0362697, -3.5362697, -0.0362696], tolerance: 1e-5)
    }

    /// PyTorch 2.15: l = [-100, -3, 0, 2.5, 100], t = [0, .25, 1, .5, 0]
    ///   F.binary_cross_entropy_with_logits(l, t, reduction='none') → [0, 0.7985873, 0.6931472, 1.3288897, 100]
    ///   F.logsigmoid(l) → [-100, -3.0485873, -0.6931472, -0.0788897, -3.92e-44]
    ///   F.softplus(l) (default threshold 20, which returns x above it) → [3.78e-44, 0.0485874, 0.6931472, 2.5788898, 100]
    func testStableLogitFormsMatchPyTorchAtTheExtremes() {
        let logits = Tensor(shape: [5], scalars: [-100, -3, 0, 2.5, 100])
        let targets = Tensor(shape: [5], scalars: [0, 0.25, 1, 0.5, 0])
        assertClose(logits.binaryCrossEntropy(targets: targets).scalars, [0, 0.7985873, 0.6931472, 1.3288897, 100], tolerance: 1e-5)
        // The row-sum form on the same values, once as one row and once as five rows of one.
        assertClose(logits.reshaped([1, 5]).binaryCrossEntropyRowSums(targets: targets.reshaped([1, 5])).scalars, [102.8206256], tolerance: 1e-5)
        assertClose(logits.reshaped([5, 1]).binaryCrossEntropyRowSums(targets: targets.reshaped([5, 1])).scalars,
                    [0, 0.7985873, 0.6931472, 1.3288897, 100], tolerance: 1e-5)
        assertClose(logits.logSigmoid().scalars, [-100, -3.0485873, -0.6931472, -0.0788897, 0], tolerance: 1e-5)
        assertClose(logits.softplus().scalars, [0, 0.0485874, 0.6931472, 2.5788898, 100], tolerance: 1e-5)
        XCTAssert(logits.sigmoid().scalars.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 })
    }

    /// log(e¹⁰⁰⁰ + e¹⁰⁰⁰) = 1000 + ln 2 (torch.logsumexp gives 1000.6931763 in Float32).
    func testLogSumExpDoesNotOverflow() {
        assertClose(Tensor(shape: [2], scalars: [1000, 1000]).logSumExp().scalars, [1000.6931763], tolerance: 1e-5)
        assertClose(Tensor(shape: [2], scalars: [-1000, -1000]).logSumExp().scalars, [-999.3068237], tolerance: 1e-5)
    }

    /// PyTorch 2.15: F.elu(torch.tensor([-2., .5]), alpha=1.5) → [-1.2969971, 0.5]
    func testELUMatchesPyTorch() {
        assertClose(Tensor(shape: [2], scalars: [-2, 0.5]).elu(alpha: 1.5).scalars, [-1.2969971, 0.5], tolerance: 1e-5)
    }

    /// PyTorch 2.15: a = [[1,2],[3,4],[5,6]], w = [[.5,-1],[2,.25]], b = [.1,-.2], y = F.linear(a, w, b),
    /// (y*y).sum().backward() → y = [[-1.4, 2.3], [-2.4, 6.8], [-3.4, 11.3]],
    /// a.grad = [[7.8, 3.95], [24.8, 8.2], [41.8, 12.45]], w.grad = [[-51.2, -65.6], [158.4, 199.2]], b.grad = [-14.4, 40.8]
    func testAffineAndItsGradientsMatchPyTorch() {
        let a = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6], requiresGradient: true)
        let w = Tensor(shape: [2, 2], scalars: [0.5, -1, 2, 0.25], requiresGradient: true)
        let b = Tensor(shape: [2], scalars: [0.1, -0.2], requiresGradient: true)
        let y = a.affine(weight: w, bias: b)
        assertClose(y.scalars, [-1.4, 2.3, -2.4, 6.8, -3.4, 11.3], tolerance: 1e-5)
        let gradients = (y * y).sum().backward()
        assertClose(gradients[a]!.scalars, [7.8, 3.95, 24.8, 8.2, 41.8, 12.45], tolerance: 1e-5)
        assertClose(gradients[w]!.scalars, [-51.2, -65.6, 158.4, 199.2], tolerance: 1e-5)
        assertClose(gradients[b]!.scalars, [-14.4, 40.8], tolerance: 1e-5)
    }

    /// A matrix product against the textbook triple loop, for every transpose combination.
    func testMatmulMatchesNaiveTripleLoop() {
        var generator = RandomGenerator(seed: 11)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let (m, k, n) = (5, 7, 3)
            let a = Tensor.normal(transposeA ? [k, m] : [m, k], using: &generator)
            let b = Tensor.normal(transposeB ? [n, k] : [k, n], using: &generator)
            let av = a.scalars, bv = b.scalars
            var expected = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    for p in 0..<k {
                        expected[i * n + j] += (transposeA ? av[p * m + i] : av[i * k + p]) * (transposeB ? bv[j * k + p] : bv[p * n + j])
                    }
                }
            }
            assertClose(a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB).scalars, expected, tolerance: 1e-5)
        }
    }

    /// Broadcasting follows NumPy: [2,1,3] + [4,1] → [2,4,3], out[i,j,k] = a[i,0,k] + b[j,0].
    func testBroadcastingFollowsNumPyRules() {
        let a = Tensor(shape: [2, 1, 3], scalars: [0, 1, 2, 10, 11, 12])
        let b = Tensor(shape: [4, 1], scalars: [100, 200, 300, 400])
        let sum = a + b
        XCTAssertEqual(sum.shape, [2, 4, 3])
        var expected: [Float] = []
        for i in 0..<2 { for j in 0..<4 { for k in 0..<3 { expected.append(Float(10 * i + k) + Float(100 * (j + 1))) } } }
        XCTAssertEqual(sum.scalars, expected)
    }

    func testPermuteSliceConcatenateAndStackMoveTheRightElements() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed().scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).scalars, [2, 3, 5, 6])
        XCTAssertEqual(Tensor.concatenate([x, x.slice(axis: 1, 0..<1)], axis: 1).scalars, [1, 2, 3, 1, 4, 5, 6, 4])
        let stacked = Tensor.stack([x, x * 10], axis: 1)
        XCTAssertEqual(stacked.shape, [2, 2, 3])
        XCTAssertEqual(stacked.scalars, [1, 2, 3, 10, 20, 30, 4, 5, 6, 40, 50, 60])
        let cube = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Float.init))
        // out[a, b, c] = cube[b, c, a] for permutation [2, 0, 1].
        let permuted = cube.permuted([2, 0, 1])
        XCTAssertEqual(permuted.shape, [4, 2, 3])
        XCTAssertEqual(permuted.scalars[1 * 6 + 1 * 3 + 2], cube.scalars[1 * 12 + 2 * 4 + 1])
        XCTAssertEqual(Tensor.oneHot([2, 0], classes: 3).scalars, [0, 0, 1, 1, 0, 0])
        XCTAssertEqual(x.max(axis: 0).scalars, [4, 5, 6])
        XCTAssertEqual(x.sum(axis: 1).scalars, [6, 15])
    }

    /// FastMath.exp against libm's exp over the whole useful range.
    func testFastExponentialIsAccurate() {
        var worst: Float = 0
        for step in 0...20_000 {
            let x = -87 + Float(step) * (175.0 / 20_000)
            let exact = Foundation.exp(Double(x))
            worst = Swift.max(worst, Float(Swift.abs(Double(FastMath.exp(x)) - exact) / exact))
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(FastMath.exp(0), 1)
        XCTAssert(FastMath.exp(1000).isFinite && FastMath.exp(-1000) >= 0)
    }

    /// Dropout keeps about 1 − rate of the elements, scaled by 1/(1 − rate), so the mean is unchanged.
    func testDropoutKeepsTheExpectedFractionAndMean() {
        var generator = RandomGenerator(seed: 2)
        let dropped = Tensor.ones([100_000]).dropout(rate: 0.3, using: &generator).scalars
        let kept = dropped.filter { $0 != 0 }
        XCTAssertEqual(Double(kept.count) / 100_000, 0.7, accuracy: 0.01)
        XCTAssert(kept.allSatisfy { Swift.abs($0 - 1 / 0.7) < 1e-6 })
    }
}

extension ReferenceValueTests {
    /// FastMath.log1p on its domain [0, 1] against libm, including values so small that 1 + u rounds to 1.
    func testFastLogOnePlusIsAccurate() {
        var worst: Double = 0
        for step in 0...20_000 {
            let u = Float(step) / 20_000
            let exact = Foundation.log1p(Double(u))
            if exact > 0 { worst = Swift.max(worst, Swift.abs(Double(FastMath.log1p(u)) - exact) / exact) }
        }
        for u: Float in [1e-30, 1e-12, 3e-8, 1e-7, 1e-5] {
            worst = Swift.max(worst, Swift.abs(Double(FastMath.log1p(u)) - Foundation.log1p(Double(u))) / Foundation.log1p(Double(u)))
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(FastMath.log1p(0), 0)
    }
}

extension ReferenceValueTests {
    /// FastMath.squareRoot against libm across 60 decades, plus zero.
    func testFastSquareRootIsAccurate() {
        var worst: Double = 0
        var x: Float = 1e-30
        while x < 1e30 {
            for scale: Float in [1, 1.37, 2.9, 7.3] {
                let value = x * scale
                let exact = Foundation.sqrt(Double(value))
                worst = Swift.max(worst, Swift.abs(Double(FastMath.squareRoot(value)) - exact) / exact)
            }
            x *= 10
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(FastMath.squareRoot(0), 0)
    }

    /// The eight-lane square root (Adam's) against libm, lane by lane, zero included.
    func testEightLaneSquareRootIsAccurate() {
        var worst: Double = 0
        var x: Float = 1e-30
        while x < 1e30 {
            let values = SIMD8<Float>(0, x, 1.37 * x, 2.9 * x, 7.3 * x, 4 * x, 9.99 * x, 5.5 * x)
            let roots = FastMath.squareRoot(values)
            XCTAssertEqual(roots[0], 0)
            for lane in 1..<8 {
                let exact = Foundation.sqrt(Double(values[lane]))
                worst = Swift.max(worst, Swift.abs(Double(roots[lane]) - exact) / exact)
            }
            x *= 10
        }
        XCTAssertLessThan(worst, 3e-7)
    }
}

extension ReferenceValueTests {
    /// FastMath.tanh against libm from −12 to 12 (relative error) and its saturation beyond.
    func testFastHyperbolicTangentIsAccurate() {
        var worst: Double = 0
        for step in -24_000...24_000 {
            let x = Float(step) * 0.0005
            let exact = Foundation.tanh(Double(x))
            if x != 0 { worst = Swift.max(worst, Swift.abs(Double(FastMath.tanh(x)) - exact) / Swift.abs(exact)) }
        }
        XCTAssertLessThan(worst, 5e-7)
        XCTAssertEqual(FastMath.tanh(0), 0)
        XCTAssertEqual(FastMath.tanh(100), 1)
        XCTAssertEqual(FastMath.tanh(-100), -1)
        XCTAssertEqual(FastMath.tanh(1e-20), 1e-20)
    }
}
