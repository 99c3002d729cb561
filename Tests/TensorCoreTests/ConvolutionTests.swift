import TestSupport
import XCTest
@testable import TensorCore

/// conv2d and transposedConv2d against direct nested loops, against each other (adjointness),
/// against PyTorch, and at the shapes of the reference conv VAE. Their VJPs are checked by central
/// differences in ``GradientCheckTests/convolutions``.
///
/// These run im2col + GEMM on every machine (``OneDNNConvolutionTests`` runs the same checks on
/// oneDNN's convolutions, which are the default where oneDNN has AVX-512 kernels).
final class ConvolutionTests: XCTestCase {
    override func invokeTest() {
        OneDNNConvolution.$isSelected.withValue(false) { super.invokeTest() }
    }

    /// One convolution's sizes: input [n, c, h, w], kernel kH×kW with `outputs` channels.
    struct Configuration: CustomStringConvertible {
        var n: Int, c: Int, h: Int, w: Int, outputs: Int, kH: Int, kW: Int
        var stride: (Int, Int), padding: (Int, Int), bias: Bool
        var description: String { "[\(n), \(c), \(h), \(w)] * \(outputs)×\(c)×\(kH)×\(kW), stride \(stride), padding \(padding), bias \(bias)" }
    }

    static let configurations: [Configuration] = [
        Configuration(n: 2, c: 3, h: 7, w: 6, outputs: 4, kH: 3, kW: 3, stride: (1, 1), padding: (1, 1), bias: true),
        Configuration(n: 2, c: 2, h: 8, w: 8, outputs: 3, kH: 4, kW: 4, stride: (2, 2), padding: (1, 1), bias: false),
        Configuration(n: 1, c: 1, h: 5, w: 5, outputs: 2, kH: 1, kW: 1, stride: (1, 1), padding: (0, 0), bias: true),
        Configuration(n: 3, c: 2, h: 6, w: 5, outputs: 3, kH: 2, kW: 3, stride: (2, 1), padding: (0, 1), bias: true),
        Configuration(n: 2, c: 2, h: 5, w: 5, outputs: 2, kH: 5, kW: 5, stride: (1, 1), padding: (2, 2), bias: false),
        Configuration(n: 2, c: 1, h: 9, w: 7, outputs: 2, kH: 3, kW: 2, stride: (3, 2), padding: (2, 0), bias: true),
        // Kernels smaller than the stride skip pixels; padding as wide as the kernel gives all-padding rows.
        Configuration(n: 2, c: 2, h: 7, w: 8, outputs: 2, kH: 2, kW: 1, stride: (3, 2), padding: (1, 0), bias: true),
        Configuration(n: 1, c: 2, h: 4, w: 5, outputs: 3, kH: 2, kW: 2, stride: (1, 1), padding: (2, 2), bias: false),
        Configuration(n: 2, c: 3, h: 20, w: 19, outputs: 2, kH: 4, kW: 4, stride: (2, 2), padding: (1, 1), bias: true),
        Configuration(n: 1, c: 2, h: 9, w: 11, outputs: 2, kH: 3, kW: 5, stride: (2, 2), padding: (2, 2), bias: true),
        Configuration(n: 2, c: 2, h: 8, w: 10, outputs: 2, kH: 3, kW: 4, stride: (2, 3), padding: (1, 2), bias: false),
    ]

    // MARK: Direct loops

    /// y[n, o, oh, ow] = b[o] + Σ_{c,i,j} x[n, c, oh·sH − pH + i, ow·sW − pW + j] · W[o, c, i, j], outside reads 0.
    static func directConvolution(_ x: [Float], _ weight: [Float], _ bias: [Float]?, _ k: Configuration) -> (values: [Float], height: Int, width: Int) {
        let outH = (k.h + 2 * k.padding.0 - k.kH) / k.stride.0 + 1, outW = (k.w + 2 * k.padding.1 - k.kW) / k.stride.1 + 1
        var y = [Float](repeating: 0, count: k.n * k.outputs * outH * outW)
        for n in 0..<k.n { for o in 0..<k.outputs { for oh in 0..<outH { for ow in 0..<outW {
            var total = Double(bias?[o] ?? 0)
            for c in 0..<k.c { for i in 0..<k.kH { for j in 0..<k.kW {
                let ih = oh * k.stride.0 - k.padding.0 + i, iw = ow * k.stride.1 - k.padding.1 + j
                guard ih >= 0, ih < k.h, iw >= 0, iw < k.w else { continue }
                total += Double(x[((n * k.c + c) * k.h + ih) * k.w + iw]) * Double(weight[((o * k.c + c) * k.kH + i) * k.kW + j])
            } } }
            y[((n * k.outputs + o) * outH + oh) * outW + ow] = Float(total)
        } } } }
        return (y, outH, outW)
    }

    /// ConvTranspose2d by scattering: each input pixel x[n, c, ih, iw] adds x · W[c, o, i, j] to
    /// y[n, o, ih·sH − pH + i, iw·sW − pW + j] where that lies inside the output. Here `k.c` is the
    /// transposed convolution's input channels and `k.outputs` its output channels.
    static func directTransposedConvolution(_ x: [Float], _ weight: [Float], _ bias: [Float]?, _ k: Configuration,
                                            outputPadding: (Int, Int)) -> (values: [Float], height: Int, width: Int) {
        let outH = (k.h - 1) * k.stride.0 - 2 * k.padding.0 + k.kH + outputPadding.0
        let outW = (k.w - 1) * k.stride.1 - 2 * k.padding.1 + k.kW + outputPadding.1
        var y = [Double](repeating: 0, count: k.n * k.outputs * outH * outW)
        for n in 0..<k.n { for o in 0..<k.outputs { for p in 0..<(outH * outW) { y[(n * k.outputs + o) * outH * outW + p] = Double(bias?[o] ?? 0) } } }
        for n in 0..<k.n { for c in 0..<k.c { for ih in 0..<k.h { for iw in 0..<k.w {
            let value = Double(x[((n * k.c + c) * k.h + ih) * k.w + iw])
            for o in 0..<k.outputs { for i in 0..<k.kH { for j in 0..<k.kW {
                let oh = ih * k.stride.0 - k.padding.0 + i, ow = iw * k.stride.1 - k.padding.1 + j
                guard oh >= 0, oh < outH, ow >= 0, ow < outW else { continue }
                y[((n * k.outputs + o) * outH + oh) * outW + ow] += value * Double(weight[((c * k.outputs + o) * k.kH + i) * k.kW + j])
            } } }
        } } } }
        return (y.map { Float($0) }, outH, outW)
    }

    // MARK: Forward against loops

    func testConv2dMatchesDirectLoops() {
        Self.checkConv2dAgainstDirectLoops(Self.configurations, seed: 11)
    }

    func testTransposedConv2dMatchesDirectLoops() {
        // The largest legal output padding, to exercise the extra rows and columns.
        Self.checkTransposedConv2dAgainstDirectLoops(Self.configurations, seed: 12) { [($0.stride.0 - 1, $0.stride.1 - 1)] }
    }

    /// conv2d against ``directConvolution`` for each configuration, inputs drawn from `seed`.
    static func checkConv2dAgainstDirectLoops(_ configurations: [Configuration], seed: UInt64,
                                              file: StaticString = #filePath, line: UInt = #line) {
        var generator = RandomGenerator(seed: seed)
        for k in configurations {
            let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator)
            let weight = Tensor.uniform([k.outputs, k.c, k.kH, k.kW], low: -1, high: 1, using: &generator)
            let bias = k.bias ? Tensor.uniform([k.outputs], low: -1, high: 1, using: &generator) : nil
            let expected = directConvolution(x.scalars, weight.scalars, bias?.scalars, k)
            let y = x.conv2d(weight: weight, bias: bias, stride: (k.stride.0, k.stride.1), padding: (k.padding.0, k.padding.1))
            XCTAssertEqual(y.shape, [k.n, k.outputs, expected.height, expected.width], "\(k)", file: file, line: line)
            assertClose(y.scalars, expected.values, tolerance: 1e-4, "\(k)", file: file, line: line)
        }
    }

    /// transposedConv2d against ``directTransposedConvolution`` for each configuration and each
    /// of its `outputPaddings`, inputs drawn from `seed`.
    static func checkTransposedConv2dAgainstDirectLoops(_ configurations: [Configuration], seed: UInt64,
                                                        outputPaddings: (Configuration) -> [(Int, Int)],
                                                        file: StaticString = #filePath, line: UInt = #line) {
        var generator = RandomGenerator(seed: seed)
        for k in configurations {
            for outputPadding in outputPaddings(k) {
                let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator)
                let weight = Tensor.uniform([k.c, k.outputs, k.kH, k.kW], low: -1, high: 1, using: &generator)
                let bias = k.bias ? Tensor.uniform([k.outputs], low: -1, high: 1, using: &generator) : nil
                let expected = directTransposedConvolution(x.scalars, weight.scalars, bias?.scalars, k, outputPadding: outputPadding)
                let y = x.transposedConv2d(weight: weight, bias: bias, stride: (k.stride.0, k.stride.1),
                                           padding: (k.padding.0, k.padding.1), outputPadding: (outputPadding.0, outputPadding.1))
                let label = "\(k), output padding \(outputPadding)"
                XCTAssertEqual(y.shape, [k.n, k.outputs, expected.height, expected.width], label, file: file, line: line)
                assertClose(y.scalars, expected.values, tolerance: 1e-4, label, file: file, line: line)
            }
        }
    }

    // MARK: Adjointness

    /// ⟨conv2d(x, W), y⟩ = ⟨x, transposedConv2d(y, W)⟩ for the same W, stride and padding, with the
    /// output padding that brings the transposed output back to x's size. For example H = 7, k = 4,
    /// s = 2, p = 1: conv2d gives ⌊(7 + 2 − 4)/2⌋ + 1 = 3, and (3 − 1)·2 − 2 + 4 = 6, so outputPadding 1.
    func testTransposedConv2dIsTheAdjointOfConv2d() {
        let cases: [(k: Configuration, outputPadding: (Int, Int))] = [
            (Configuration(n: 2, c: 3, h: 7, w: 7, outputs: 4, kH: 4, kW: 4, stride: (2, 2), padding: (1, 1), bias: false), (1, 1)),
            (Configuration(n: 2, c: 1, h: 28, w: 28, outputs: 3, kH: 4, kW: 4, stride: (2, 2), padding: (1, 1), bias: false), (0, 0)),
            (Configuration(n: 1, c: 2, h: 8, w: 8, outputs: 2, kH: 3, kW: 3, stride: (3, 3), padding: (0, 0), bias: false), (2, 2)),
            (Configuration(n: 2, c: 2, h: 6, w: 5, outputs: 3, kH: 2, kW: 3, stride: (2, 1), padding: (0, 1), bias: false), (0, 0)),
            (Configuration(n: 2, c: 2, h: 5, w: 5, outputs: 3, kH: 3, kW: 3, stride: (1, 1), padding: (1, 1), bias: false), (0, 0)),
        ]
        var generator = RandomGenerator(seed: 13)
        for (k, outputPadding) in cases {
            let weight = Tensor.uniform([k.outputs, k.c, k.kH, k.kW], low: -1, high: 1, using: &generator)
            let x = Tensor.uniform([k.n, k.c, k.h, k.w], low: -1, high: 1, using: &generator)
            let convolved = x.conv2d(weight: weight, stride: (k.stride.0, k.stride.1), padding: (k.padding.0, k.padding.1))
            let y = Tensor.uniform(convolved.shape, low: -1, high: 1, using: &generator)
            let back = y.transposedConv2d(weight: weight, stride: (k.stride.0, k.stride.1), padding: (k.padding.0, k.padding.1),
                                          outputPadding: (outputPadding.0, outputPadding.1))
            XCTAssertEqual(back.shape, x.shape, "\(k)")
            let left = zip(convolved.scalars, y.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x.scalars, back.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            XCTAssertEqual(left, right, accuracy: 1e-4 * Swift.max(1, Swift.abs(left)), "\(k)")
        }
    }

    // MARK: Rounds of im2col

    /// A small column budget splits the batch into several im2col + GEMM rounds; values and
    /// gradients must equal those of one round over the whole batch.
    func testSeveralRoundsMatchOneRound() {
        var generator = RandomGenerator(seed: 14)
        let x = Tensor.uniform([3, 2, 6, 6], low: -1, high: 1, using: &generator).asVariable()
        let weight = Tensor.uniform([4, 2, 3, 3], low: -1, high: 1, using: &generator).asVariable()
        let bias = Tensor.uniform([4], low: -1, high: 1, using: &generator).asVariable()
        let upstream = Tensor.uniform([3, 4, 3, 3], low: -1, high: 1, using: &generator)
        let transposedWeight = Tensor.uniform([2, 4, 3, 3], low: -1, high: 1, using: &generator).asVariable()
        func run() -> [[Float]] {
            let y = x.conv2d(weight: weight, bias: bias, stride: 2, padding: 1)
            let t = x.transposedConv2d(weight: transposedWeight, bias: bias, stride: 2, padding: 1, outputPadding: 1)
            let gradients = ((y * upstream).sum() + (t * t).sum()).backward()
            return [y.scalars, t.scalars] + [x, weight, bias, transposedWeight].map { gradients[$0]?.scalars ?? [] }
        }
        let oneRound = run()
        // Floats of im2col per image: conv2d 2·3·3 rows × 3·3 pixels = 162; the transposed conv2d
        // 4·3·3 rows × 6·6 pixels = 1296. The budgets give rounds of (2, 1) then (3) images for
        // conv2d, (1, 1, 1) then (2, 1) for the transposed one, then single images for both.
        // conv2d keeps its columns for the backward pass when the whole batch's fit the budget
        // (3·162 floats), so the first and last budgets also check packing again per round.
        for budget in [162 * 2, 1296 * 2, 1] {
            let rounds = ConvolutionGeometry.$columnBudget.withValue(budget) { run() }
            for (index, (a, b)) in zip(rounds, oneRound).enumerated() { assertClose(a, b, tolerance: 1e-4, "budget \(budget), result \(index)") }
        }
        // One image per round with every round's columns kept.
        let singles = ConvolutionGeometry.$preferredGEMMWidth.withValue(1) { run() }
        for (index, (a, b)) in zip(singles, oneRound).enumerated() { assertClose(a, b, tolerance: 1e-4, "one image per round, result \(index)") }
    }

    /// With several threads the rounds are dealt out to the threads (or, for a single round, its
    /// kernels are split); values and gradients must match one thread's up to summation order.
    func testThreadsGiveTheSameResults() {
        defer { ComputeThreads.set(1) }
        var generator = RandomGenerator(seed: 15)
        // Five images: rounds of 3 + 2 on two threads, 2 + 2 + 1 on three, single images with a
        // small GEMM width; one image of larger planes gives one round whose kernels are split.
        for (shape, width) in [([5, 3, 8, 8], ConvolutionGeometry.preferredGEMMWidth), ([5, 3, 8, 8], 1), ([1, 8, 24, 24], 512)] {
            let x = Tensor.uniform(Shape(shape), low: -1, high: 1, using: &generator).asVariable()
            let weight = Tensor.uniform([4, shape[1], 3, 3], low: -1, high: 1, using: &generator).asVariable()
            let transposedWeight = Tensor.uniform([shape[1], 2, 4, 4], low: -1, high: 1, using: &generator).asVariable()
            let bias = Tensor.uniform([4], low: -1, high: 1, using: &generator).asVariable()
            func run() -> [[Float]] {
                ConvolutionGeometry.$preferredGEMMWidth.withValue(width) {
                    let y = x.conv2d(weight: weight, bias: bias, stride: 2, padding: 1)
                    let t = x.transposedConv2d(weight: transposedWeight, stride: 2, padding: 1)
                    let gradients = ((y * y).sum() + (t * t).sum()).backward()
                    return [y.scalars, t.scalars] + [x, weight, bias, transposedWeight].map { gradients[$0]?.scalars ?? [] }
                }
            }
            ComputeThreads.set(1)
            let single = run()
            for threads in [2, 3] {
                ComputeThreads.set(threads)
                for (index, (a, b)) in zip(run(), single).enumerated() {
                    assertClose(a, b, tolerance: 1e-4, "\(shape), width \(width), \(threads) threads, result \(index)")
                }
            }
        }
    }

    // MARK: The reference conv VAE

    /// [N,1,28,28] → conv 4×4 s2 p1 → [N,32,14,14] → conv 4×4 s2 p1 → [N,64,7,7], and back with
    /// transposed convolutions 7 → 14 → 28 (vae_conv_torch.py in the shared reference).
    func testReferenceConvVAEShapes() {
        let images = Tensor.zeros([3, 1, 28, 28])
        let hidden = images.conv2d(weight: .zeros([32, 1, 4, 4]), bias: .zeros([32]), stride: 2, padding: 1)
        XCTAssertEqual(hidden.shape, [3, 32, 14, 14])
        let code = hidden.conv2d(weight: .zeros([64, 32, 4, 4]), bias: .zeros([64]), stride: 2, padding: 1)
        XCTAssertEqual(code.shape, [3, 64, 7, 7])
        let upsampled = code.transposedConv2d(weight: .zeros([64, 32, 4, 4]), bias: .zeros([32]), stride: 2, padding: 1)
        XCTAssertEqual(upsampled.shape, [3, 32, 14, 14])
        let reconstruction = upsampled.transposedConv2d(weight: .zeros([32, 1, 4, 4]), bias: .zeros([1]), stride: 2, padding: 1)
        XCTAssertEqual(reconstruction.shape, [3, 1, 28, 28])
        // An empty batch gives an empty output and zero weight gradients.
        let weight = Tensor.ones([32, 1, 4, 4], requiresGradient: true)
        let none = Tensor.zeros([0, 1, 28, 28]).conv2d(weight: weight, stride: 2, padding: 1)
        XCTAssertEqual(none.shape, [0, 32, 14, 14])
        XCTAssertEqual(none.sum().backward()[weight]?.scalars, [Float](repeating: 0, count: 512))
    }

    // MARK: PyTorch

    /// ((i·multiplier) mod modulus − shift) / scale for i = 0, 1, …: varied values a test can rebuild.
    static func pattern(_ shape: Shape, multiplier: Int, modulus: Int, shift: Int, scale: Float) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.elementCount).map { Float(($0 * multiplier) % modulus - shift) / scale },
               requiresGradient: true)
    }

    /// PyTorch 2.15.0 (CPU, float32):
    ///   def pattern(n, a, m, c, d): return torch.tensor([((i * a) % m - c) / d for i in range(n)])
    ///   x = pattern(64, 7, 11, 5, 4).view(2, 2, 4, 4).requires_grad_()
    ///   w = pattern(54, 5, 13, 6, 8).view(3, 2, 3, 3).requires_grad_()
    ///   b = torch.tensor([0.1, -0.2, 0.3], requires_grad=True)
    ///   y = F.conv2d(x, w, b, stride=2, padding=1); (y * y).sum().div(2).backward()
    /// and y, x.grad, w.grad, b.grad printed to 7 significant digits.
    func testConv2dMatchesPyTorch() {
        let x = Self.pattern([2, 2, 4, 4], multiplier: 7, modulus: 11, shift: 5, scale: 4)
        let w = Self.pattern([3, 2, 3, 3], multiplier: 5, modulus: 13, shift: 6, scale: 8)
        let b = Tensor(shape: [3], scalars: [0.1, -0.2, 0.3], requiresGradient: true)
        let y = x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
        XCTAssertEqual(y.shape, [2, 3, 2, 2])
        let gradients = ((y * y).sum() / 2).backward()
        assertClose(y.scalars, [
            0.9125, 2.225, 0.9125, -0.525, -0.54375, 1.8625, -0.3875, -1.6375,
            -1.2, 2.3, -0.8875, -0.73125, -0.05625, -1.15, -2.18125, -0.5875,
            0.14375, 0.33125, -1.6375, 1.3625, 1.14375, 2.6125, -0.29375, 3.70625,
        ], tolerance: 1e-4)
        assertClose(gradients[x]?.scalars ?? [], [
            0.2640625, -4.257031, -0.009375006, 3.982812, 0.371875, -4.669531, 2.336719, -2.121875,
            0.225, 1.832813, 0.02578125, -1.782812, 0.134375, 0.165625, -0.6976562, 1.007813,
            -1.842188, 1.260937, 1.165625, -1.60625, 0.8273438, 3.44375, -5.422656, 1.463281,
            -1.529688, -0.02031252, -1.291406, 0.7492188, 0.4515625, -0.8343749, 1.834375, 0.02578125,
            -0.15, -0.971875, -0.4703125, 0.6507813, 0.95, 1.642969, -1.678906, 3.573437,
            -0.2359375, -6.14375, -0.5367187, 2.264062, -1.264063, 0.1539063, 0.5835937, 2.125,
            0.8648437, -0.7039062, 2.74375, -0.91875, -3.211719, 0.7757812, 0.1124999, -3.247656,
            0.2242188, 0.815625, 3.778906, -1.657031, 2.334375, 0.9078125, -3.3375, -0.5367187,
        ], tolerance: 1e-4)
        assertClose(gradients[w]?.scalars ?? [], [
            0.246875, -2.582813, -1.817188, 2.74375, -4.035938, 7.551562, -1.9875, 6.065625,
            -4.260938, -0.309375, 3.66875, -1.392188, 2.725, -4.260938, 1.207813, -2.00625,
            1.320313, 0.2921873, 1.56875, -4.803125, 1.24375, -2.073437, 1.696875, 4.764062,
            0.1859376, 0.7828125, 1.44375, 1.43125, 3.053125, -3.653125, -1.114063, 1.44375,
            -0.6109374, 1.145313, -0.4843748, -3.467188, 1.475, -4.1, 4.298438, -6.370313,
            5.220312, -0.8453128, 1.146875, -1.373438, 8.545313, 2.9625, -0.384375, -4.996875,
            -2.426563, 8.545313, -3.845312, 5.090625, -5.507812, -5.50625,
        ], tolerance: 1e-4)
        assertClose(gradients[b]?.scalars ?? [], [-0.4500003, -0.5062502, 6.65], tolerance: 1e-4)
    }

    /// PyTorch 2.15.0 (CPU, float32), with `pattern` as above:
    ///   x = pattern(24, 7, 11, 5, 4).view(2, 3, 2, 2).requires_grad_()
    ///   w = pattern(54, 5, 13, 6, 8).view(3, 2, 3, 3).requires_grad_()
    ///   b = torch.tensor([0.1, -0.2], requires_grad=True)
    ///   y = F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)   # [2, 2, 4, 4]
    ///   (y * y).sum().div(2).backward()
    func testTransposedConv2dMatchesPyTorch() {
        let x = Self.pattern([2, 3, 2, 2], multiplier: 7, modulus: 11, shift: 5, scale: 4)
        let w = Self.pattern([3, 2, 3, 3], multiplier: 5, modulus: 13, shift: 6, scale: 8)
        let b = Tensor(shape: [2], scalars: [0.1, -0.2], requiresGradient: true)
        let y = x.transposedConv2d(weight: w, bias: b, stride: 2, padding: 1, outputPadding: 1)
        XCTAssertEqual(y.shape, [2, 2, 4, 4])
        let gradients = ((y * y).sum() / 2).backward()
        assertClose(y.scalars, [
            0.06875, -1.525, 0.06875, 0.38125, -0.525, -1.93125, 0.50625, 1.225,
            0.06875, 0.5375, 0.4125, 0.4125, 0.13125, -0.2125, 0.4125, -1.61875,
            0.3, 0.3, -0.66875, -0.35625, 1.1125, 0.08125, -0.23125, 0.08125,
            0.76875, 0.01875, -1.91875, 0.1125, -0.3875, 0.08125, 0.1125, 0.1125,
            0.06875, 0.19375, 0.06875, 0.225, 0.50625, 0.475, 0.1625, -0.65,
            0.4125, 0.5375, 0.06875, -0.0875, 0.4125, -1.55625, 0.006250001, 1.06875,
            -0.66875, -0.35625, 0.76875, -0.29375, -0.23125, 0.14375, -0.54375, -0.1375,
            -1.91875, 0.05, -0.825, -0.16875, 0.1125, -0.0125, -0.075, -0.23125,
        ], tolerance: 1e-4)
        assertClose(gradients[x]?.scalars ?? [], [
            -0.9335936, 1.751562, -0.01640626, 4.5625, -0.1812499, 0.9234375, 1.264844, -1.467969,
            -3.054687, 3.172657, 0.9515625, -3.872656, 0.7265625, 0.1265625, 2.932812, -0.9374999,
            -0.3765624, 1.36875, -0.05156264, -1.284375, 0.3789063, 0.3054687, -2.446875, 0.6742187,
        ], tolerance: 1e-4)
        assertClose(gradients[w]?.scalars ?? [], [
            -2.295312, 1.56875, 2.928125, -0.05312495, 0.9625, 2.978125, -1.857813, 2.048438,
            -0.006250024, 0.1375, -1.270313, 0.20625, 0.3640625, -6.815625, -0.4328125, 0.06718749,
            -0.89375, 0.10625, -0.475, -0.6875, -1.28125, 0.8, -0.0171875, 0.03750002,
            3.479687, -0.603125, -3.689062, -0.14375, 1.65625, 0.21875, -0.63125, 3.440625,
            0.503125, 0.09531251, -0.23125, 0.0265625, 2.651562, -1.053125, -1.967188, -1.595312,
            -0.996875, 0.534375, -2.079687, 0.1828126, 7.925, -0.0296875, 0.02812502, -0.3703125,
            0.315625, 2.696875, -1.053125, -0.0828125, -1.545313, -0.1390625,
        ], tolerance: 1e-4)
        assertClose(gradients[b]?.scalars ?? [], [0.3250004, -4.868749], tolerance: 1e-4)
    }
}
