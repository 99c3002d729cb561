/// PixelCNN's residual block as one op: y = x + maskedConv2d(relu(x)) + b.
///
/// Written as three ops, the block makes four passes over its [N, C, H, W] activations besides
/// the convolution (ReLU, its VJP, the residual add, and the sum of the two gradients that meet at
/// x), each as costly as the plane copies the shifted-tap convolution makes anyway. Here they ride
/// along with those copies (``ShiftedTapConvolution/Fusion``): relu(x) is what gets copied into the
/// padded planes, x is added as the output is copied out, and backward, the input gradient comes
/// out of the padded planes as dXp ⊙ [x > 0] + G. The bias gradient is summed as G is copied in.

extension Tensor {
    /// x + maskedConv2d(relu(x), weight: weight, bias: bias, mask: mask), in one op where the
    /// convolution takes the shifted-tap path, and composed of those three ops otherwise.
    ///
    /// - Parameters:
    ///   - self: x, [N, C, H, W].
    ///   - weight: [C, C, kH, kW], kH×kW the mask's size: as many output channels as input ones.
    ///   - bias: [C], or nil.
    ///   - mask: which taps are live.
    /// - Returns: [N, C, H, W].
    public func residualMaskedConv2d(weight: Tensor, bias: Tensor? = nil, mask: KernelMask) -> Tensor {
        let x = self
        let geometry = ConvolutionGeometry(maskedConvolving: x.shape, with: weight.shape, mask: mask, op: "residualMaskedConv2d")
        precondition(geometry.outputChannels == geometry.inputChannels,
                     "residualMaskedConv2d: weight \(weight.shape) maps \(geometry.inputChannels) channels to "
                        + "\(geometry.outputChannels); a residual block needs as many out as in")
        guard ShiftedTapConvolution.applies(to: geometry) else {
            return x + x.relu().maskedConv2d(weight: weight, bias: bias, mask: mask)
        }
        if let bias {
            precondition(bias.shape == [geometry.outputChannels],
                         "residualMaskedConv2d: bias \(bias.shape) does not match weight \(weight.shape) (expected [\(geometry.outputChannels)])")
        }
        return ShiftedTapConvolution(geometry: geometry, fusion: .init(reluInput: true, residual: true))
            .record(x, weight: weight, bias: bias, mask: mask)
    }
}

extension ShiftedTapConvolution {
    /// The op on the tape: this convolution of `x` with the live taps of `weight` ([O, C, kH, kW])
    /// and `bias` ([O] or nil), with the gradients of all three.
    func record(_ x: Tensor, weight: Tensor, bias: Tensor?, mask: KernelMask) -> Tensor {
        let layout = LiveTapLayout(weight: weight.shape, mask: mask, order: .tapMajor)
        let kernel = layout.gather(weight)
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        let convolution = self
        return convolution.forward(x, kernel: kernel, bias: bias).recorded(from: operands) { context in
            let needs = Needs(input: context.needsGradient(0), kernel: context.needsGradient(1),
                              bias: bias != nil && context.needsGradient(2))
            let (input, live, biasGradient) = convolution.backward(x, kernel: kernel, upstream: context.upstream, needs: needs)
            let gradients = [input.map { Tensor(shape: x.shape, storage: $0) }, live.map { layout.scatter($0) },
                             biasGradient.map { Tensor(shape: [convolution.geometry.outputChannels], storage: $0) }]
            return Array(gradients.prefix(operands.count))
        }
    }
}
