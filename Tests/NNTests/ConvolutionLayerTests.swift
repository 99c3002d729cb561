import XCTest
import TensorCore
@testable import NN

/// Conv2d and MaskedConv2d: parameter names and shapes (PyTorch's), initialization, and the two
/// computations of a masked layer.
final class ConvolutionLayerTests: XCTestCase {
    func testConv2dHasPyTorchsParametersAndBounds() {
        var generator = RandomGenerator(seed: 1)
        let layer = Conv2d(inputs: 16, outputs: 8, kernelSize: 3, stride: 2, padding: 1, using: &generator)
        XCTAssertEqual(layer.namedParameters.map(\.name), ["weight", "bias"])
        XCTAssertEqual(layer.weight.shape, [8, 16, 3, 3])
        let bound = 1 / Float(16 * 9).squareRoot()
        XCTAssertLessThanOrEqual(layer.weight.scalars.map(Swift.abs).max()!, bound)
        XCTAssertLessThanOrEqual(layer.bias!.scalars.map(Swift.abs).max()!, bound)
        XCTAssertEqual(layer(Tensor.zeros([2, 16, 10, 10])).shape, [2, 8, 5, 5])
        let pointwise = Conv2d(inputs: 4, outputs: 2, kernelSize: 1, bias: false, using: &generator)
        XCTAssertNil(pointwise.bias)
        XCTAssertEqual(pointwise.namedParameters.map(\.name), ["weight"])
    }

    /// Full kernel stored (PyTorch's layout), dead taps zero, the mask not a parameter.
    func testMaskedConv2dStoresTheFullKernelWithDeadTapsAtZero() {
        var generator = RandomGenerator(seed: 2)
        let layer = MaskedConv2d(.a, inputs: 3, outputs: 4, kernelSize: 5, using: &generator)
        XCTAssertEqual(layer.namedParameters.map(\.name), ["weight", "bias"])
        XCTAssertEqual(layer.weight.shape, [4, 3, 5, 5])
        let mask = KernelMask.causal(.a, size: 5).tensor().scalars
        for (index, value) in layer.weight.scalars.enumerated() {
            if mask[index % 25] == 0 { XCTAssertEqual(value, 0) } else { XCTAssertNotEqual(value, 0) }
        }
        // PyTorch's bound, with the full kernel's fan-in.
        XCTAssertLessThanOrEqual(layer.weight.scalars.map(Swift.abs).max()!, 1 / Float(3 * 25).squareRoot())
    }

    /// Live taps and full kernels compute the same layer, values and gradients.
    func testMaskedConv2dComputationsAgree() {
        var generator = RandomGenerator(seed: 3)
        let layer = MaskedConv2d(inputs: 2, outputs: 3, mask: .rowsAbove(height: 3, width: 5, includingCentreRow: true),
                                 using: &generator)
        let x = Tensor.uniform([2, 2, 6, 7], low: -1, high: 1, using: &generator, requiresGradient: true)
        func run() -> [[Float]] {
            let y = layer(x)
            let gradients = (y * y).sum().backward()
            return [y.scalars] + [x, layer.weight, layer.bias!].map { gradients[$0]!.scalars }
        }
        XCTAssertEqual(layer.computation, .liveTaps)
        let live = run()
        layer.computation = .fullKernel
        let full = run()
        for (a, b) in zip(live, full) {
            XCTAssertEqual(a.count, b.count)
            for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-4 * Swift.max(1, Swift.abs(v))) }
        }
    }
}
