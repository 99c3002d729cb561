import Foundation
import TestSupport
import XCTest
@testable import TensorCore

/// conv2d and transposedConv2d on oneDNN's convolution primitives (channel counts that are
/// multiples of 8; chosen for every test here, as `LATENT_CONVOLUTION=onednn` chooses them):
/// against direct loops, their VJPs against central differences, and the same bits on one thread
/// and on two. The im2col path is checked by ``ConvolutionTests``.
final class OneDNNConvolutionTests: XCTestCase {
    typealias Configuration = ConvolutionTests.Configuration

    static let configurations: [Configuration] = [
        // The conv VAE's 32→64 layer, small: 4×4, stride 2, padding 1.
        Configuration(n: 3, c: 8, h: 8, w: 8, outputs: 16, kH: 4, kW: 4, stride: (2, 2), padding: (1, 1), bias: true),
        Configuration(n: 2, c: 16, h: 7, w: 6, outputs: 8, kH: 3, kW: 3, stride: (1, 1), padding: (1, 1), bias: false),
        Configuration(n: 1, c: 8, h: 9, w: 7, outputs: 8, kH: 3, kW: 2, stride: (3, 2), padding: (2, 0), bias: true),
        Configuration(n: 2, c: 8, h: 5, w: 5, outputs: 8, kH: 1, kW: 1, stride: (1, 1), padding: (0, 0), bias: true),
    ]

    override func setUpWithError() throws {
        try XCTSkipUnless(GEMMBackend.current == .oneDNN, "oneDNN is not the GEMM backend in this process (LATENT_GEMM_BACKEND)")
    }

    /// Runs the test's convolutions on oneDNN.
    override func invokeTest() {
        OneDNNConvolution.$isSelected.withValue(true) { super.invokeTest() }
    }

    func testTheseShapesTakeTheOneDNNPath() {
        for k in Self.configurations {
            let geometry = ConvolutionGeometry(convolving: [k.n, k.c, k.h, k.w], with: [k.outputs, k.c, k.kH, k.kW],
                                               stride: k.stride, padding: k.padding, op: "test")
            XCTAssertNotNil(OneDNNConvolution(geometry), "\(k)")
        }
        // One input channel: im2col + GEMM.
        let single = ConvolutionGeometry(convolving: [2, 1, 8, 8], with: [8, 1, 4, 4], stride: (2, 2), padding: (1, 1), op: "test")
        XCTAssertNil(OneDNNConvolution(single))
        // Not chosen: im2col + GEMM.
        let geometry = ConvolutionGeometry(convolving: [2, 8, 8, 8], with: [8, 8, 4, 4], stride: (2, 2), padding: (1, 1), op: "test")
        OneDNNConvolution.$isSelected.withValue(false) { XCTAssertNil(OneDNNConvolution(geometry)) }
        // bf16 GEMMs: im2col + GEMM, whose GEMMs take bf16 operands; these primitives are FP32.
        XCTAssertNotNil(OneDNNConvolution(geometry))
        GEMMPrecision.with(.bfloat16) { XCTAssertNil(OneDNNConvolution(geometry)) }
    }

    func testConv2dMatchesDirectLoops() {
        ConvolutionTests.checkConv2dAgainstDirectLoops(Self.configurations, seed: 21)
    }

    func testTransposedConv2dMatchesDirectLoops() {
        ConvolutionTests.checkTransposedConv2dAgainstDirectLoops(Self.configurations, seed: 22) {
            [(0, 0), ($0.stride.0 - 1, $0.stride.1 - 1)]
        }
    }

    /// The VJPs (backward data, backward weights, the bias sums) against central differences.
    func testGradientsMatchCentralDifferences() {
        let cases = [
            GradientCase("oneDNN conv2d 2×2, stride 2, padding 1, bias", [[2, 8, 5, 5], [8, 8, 2, 2], [8]]) {
                $0[0].conv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
            },
            GradientCase("oneDNN conv2d 3×3, stride (2, 1), padding (1, 0)", [[1, 8, 5, 5], [16, 8, 3, 3]]) {
                $0[0].conv2d(weight: $0[1], stride: (2, 1), padding: (1, 0))
            },
            GradientCase("oneDNN transposed conv2d 2×2, stride 2, padding 1, bias", [[2, 8, 3, 3], [8, 8, 2, 2], [8]]) {
                $0[0].transposedConv2d(weight: $0[1], bias: $0[2], stride: 2, padding: 1)
            },
            GradientCase("oneDNN transposed conv2d 3×3, stride 2, padding 1, output padding 1", [[1, 16, 3, 3], [16, 8, 3, 3]]) {
                $0[0].transposedConv2d(weight: $0[1], stride: 2, padding: 1, outputPadding: 1)
            },
        ]
        for gradientCase in cases {
            let mismatches = gradientCase.check()
            XCTAssert(mismatches.isEmpty, mismatches.joined(separator: "\n"))
        }
    }

    /// The conv VAE's 4×4 stride-2 layer over 8 channels has outputs too large for central
    /// differences in Float32 to resolve (they missed by 2e-3 on one element of 576), so its
    /// backward passes are checked against direct loops in Double: dx is the transposed
    /// convolution of the upstream gradient G, and dW[o, c, i, j] = Σ x[n, c, ·] · G[n, o, ·].
    func testBackwardPassesOfTheConvVAELayerMatchDirectLoops() {
        var generator = RandomGenerator(seed: 24)
        // 18 images: two rounds (16 + 2), whose weight gradients are added.
        var k = Self.configurations[0]
        k.n = 18
        let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator).asVariable()
        let weight = Tensor.uniform([k.outputs, k.c, k.kH, k.kW], low: -1, high: 1, using: &generator).asVariable()
        let y = x.conv2d(weight: weight, stride: k.stride.0, padding: k.padding.0)
        let (outH, outW) = (y.shape[2], y.shape[3])
        let upstream = Tensor.uniform(y.shape, low: -1, high: 1, using: &generator)
        let gradients = (y * upstream).sum().backward()

        let adjoint = Configuration(n: k.n, c: k.outputs, h: outH, w: outW, outputs: k.c, kH: k.kH, kW: k.kW,
                                    stride: k.stride, padding: k.padding, bias: false)
        let expectedInput = ConvolutionTests.directTransposedConvolution(upstream.scalars, weight.scalars, nil, adjoint,
                                                                         outputPadding: (0, 0))
        XCTAssertEqual([expectedInput.height, expectedInput.width], [k.h, k.w])
        assertClose(gradients[x]!.scalars, expectedInput.values, tolerance: 1e-4, "dx")

        let (xs, gs) = (x.scalars, upstream.scalars)
        var expectedWeight = [Float](repeating: 0, count: weight.elementCount)
        for o in 0..<k.outputs { for c in 0..<k.c { for i in 0..<k.kH { for j in 0..<k.kW {
            var total = 0.0
            for n in 0..<k.n { for oh in 0..<outH { for ow in 0..<outW {
                let ih = oh * k.stride.0 - k.padding.0 + i, iw = ow * k.stride.1 - k.padding.1 + j
                guard ih >= 0, ih < k.h, iw >= 0, iw < k.w else { continue }
                total += Double(xs[((n * k.c + c) * k.h + ih) * k.w + iw]) * Double(gs[((n * k.outputs + o) * outH + oh) * outW + ow])
            } } }
            expectedWeight[((o * k.c + c) * k.kH + i) * k.kW + j] = Float(total)
        } } } }
        assertClose(gradients[weight]!.scalars, expectedWeight, tolerance: 1e-4, "dW")
    }

    /// Rounds are fixed by the batch size, and each round's weight gradient is added in order, so
    /// one thread and two give the same bits; 37 images make rounds of 16, 16 and 5.
    func testOneAndTwoThreadsGiveTheSameBits() {
        defer { ComputeThreads.set(1) }
        var generator = RandomGenerator(seed: 23)
        let x = Tensor.uniform([37, 8, 14, 14], low: -1, high: 1, using: &generator).asVariable()
        let weight = Tensor.uniform([16, 8, 4, 4], low: -1, high: 1, using: &generator).asVariable()
        let transposedWeight = Tensor.uniform([16, 8, 4, 4], low: -1, high: 1, using: &generator).asVariable()
        let bias = Tensor.uniform([16], low: -1, high: 1, using: &generator).asVariable()
        func run() -> [[Float]] {
            let y = x.conv2d(weight: weight, bias: bias, stride: 2, padding: 1)
            let back = y.transposedConv2d(weight: transposedWeight, stride: 2, padding: 1)
            let gradients = ((y * y).sum() + (back * back).sum()).backward()
            return [y.scalars, back.scalars] + [x, weight, bias, transposedWeight].map { gradients[$0]?.scalars ?? [] }
        }
        ComputeThreads.set(1)
        let single = run()
        ComputeThreads.set(2)
        for (index, (two, one)) in zip(run(), single).enumerated() {
            XCTAssertEqual(two, one, "result \(index) differs between one thread and two")
        }
    }
}
