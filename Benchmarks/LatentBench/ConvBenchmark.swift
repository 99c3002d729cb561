import TensorCore

/// The four convolutions of the reference conv VAE (vae_conv_torch.py) at batch 128: forward alone
/// and forward + backward, in milliseconds and GFLOP/s. Benchmarks/reference/conv_layers_torch.py
/// times the same layers in PyTorch with the same protocol.
///
/// FLOPs count the GEMM work only: 2·N·O·P·K for the forward (O output channels of the conv2d
/// view, P its output pixels, K = C·kH·kW), the same again for dW and for dX. The first layer's input
/// is data, so like in training it gets no dX.
enum ConvBenchmark {
    struct Layer {
        let name: String
        let input: Shape, weight: Shape
        let transposed: Bool
        let inputNeedsGradient: Bool
    }

    static let layers: [Layer] = [
        Layer(name: "enc1 conv 1→32", input: [128, 1, 28, 28], weight: [32, 1, 4, 4], transposed: false, inputNeedsGradient: false),
        Layer(name: "enc2 conv 32→64", input: [128, 32, 14, 14], weight: [64, 32, 4, 4], transposed: false, inputNeedsGradient: true),
        Layer(name: "dec1 convT 64→32", input: [128, 64, 7, 7], weight: [64, 32, 4, 4], transposed: true, inputNeedsGradient: true),
        Layer(name: "dec2 convT 32→1", input: [128, 32, 14, 14], weight: [32, 1, 4, 4], transposed: true, inputNeedsGradient: true),
    ]

    /// The same four on CIFAR-sized colour images: 3 → 32 → 64 and back to 45 = 3·(3·5) output
    /// channels, the parameters of a mixture of 5 logistics per sub-pixel (section `conv-colour`).
    static let colourLayers: [Layer] = [
        Layer(name: "enc1 conv 3→32", input: [128, 3, 32, 32], weight: [32, 3, 4, 4], transposed: false, inputNeedsGradient: false),
        Layer(name: "enc2 conv 32→64", input: [128, 32, 16, 16], weight: [64, 32, 4, 4], transposed: false, inputNeedsGradient: true),
        Layer(name: "dec1 convT 64→32", input: [128, 64, 8, 8], weight: [64, 32, 4, 4], transposed: true, inputNeedsGradient: true),
        Layer(name: "dec2 convT 32→45", input: [128, 32, 16, 16], weight: [32, 45, 4, 4], transposed: true, inputNeedsGradient: true),
    ]

    static func run(repeats: Int, colour: Bool = false) {
        let layers = colour ? colourLayers : layers
        print("\n## \(colour ? "Colour conv" : "Conv") VAE convolutions, 4×4 stride 2 padding 1, batch 128 (median of \(repeats); threads: \(ComputeThreads.count))")
        let widths = [18, 18, 10, 9, 12, 9]
        printRow(["layer", "output", "fwd ms", "GFLOP/s", "fwd+bwd ms", "GFLOP/s"], widths: widths)
        var generator = RandomGenerator(seed: 3)
        var totals = (forward: 0.0, both: 0.0, forwardFlops: 0.0, bothFlops: 0.0)
        for layer in layers {
            let x = Tensor.normal(layer.input, using: &generator, requiresGradient: layer.inputNeedsGradient)
            let weight = Tensor.normal(layer.weight, standardDeviation: 0.1, using: &generator, requiresGradient: true)
            let biasCount = layer.transposed ? layer.weight[1] : layer.weight[0]
            let bias = Tensor.zeros([biasCount], requiresGradient: true)
            func apply() -> Tensor {
                layer.transposed ? x.transposedConv2d(weight: weight, bias: bias, stride: 2, padding: 1)
                                 : x.conv2d(weight: weight, bias: bias, stride: 2, padding: 1)
            }
            let output = withoutGradients { apply() }
            let upstream = Tensor.normal(output.shape, using: &generator)
            // The conv2d view: a transposed convolution's output is that conv2d's input.
            let (convInput, convOutput) = layer.transposed ? (output.shape, layer.input) : (layer.input, output.shape)
            let patch = Double(convInput[1] * layer.weight[2] * layer.weight[3])
            let forwardFlops = 2 * Double(convOutput.elementCount) * patch
            let bothFlops = forwardFlops * (layer.inputNeedsGradient ? 3 : 2)
            let forward = Timing.median(repeats: repeats) { _ = withoutGradients { apply() } }
            let both = Timing.median(repeats: repeats) { _ = apply().backward(seed: upstream) }
            totals.forward += forward
            totals.both += both
            totals.forwardFlops += forwardFlops
            totals.bothFlops += bothFlops
            printRow([layer.name, output.shape.description, format(forward * 1e3, 3), format(forwardFlops / forward / 1e9, 1),
                      format(both * 1e3, 3), format(bothFlops / both / 1e9, 1)], widths: widths)
        }
        printRow(["all four", "", format(totals.forward * 1e3, 3), format(totals.forwardFlops / totals.forward / 1e9, 1),
                  format(totals.both * 1e3, 3), format(totals.bothFlops / totals.both / 1e9, 1)], widths: widths)
    }
}
