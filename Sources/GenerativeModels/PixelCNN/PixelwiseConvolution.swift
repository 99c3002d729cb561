import NN
import TensorCore

/// Convolutions evaluated one output pixel at a time, for a batch of images generated in raster
/// order: what PixelCNN's fast sampler computes with (see ``IncrementalPixelCNNSampler``).

/// One layer's activations of every image at every pixel, position-major [H + 2b, W + 2b, C, N]
/// with a zero border of b pixels: the C·N values at one pixel are contiguous, so a tap of a
/// convolution at one pixel reads one block, and reads past the image edge find zeros (the
/// convolutions' zero padding) with no bounds checks.
final class ActivationGrid {
    let height: Int, width: Int, channels: Int, images: Int, border: Int
    private let rowPitch: Int
    private let storage: UnsafeMutablePointer<Float>

    init(height: Int, width: Int, channels: Int, images: Int, border: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        self.images = images
        self.border = border
        rowPitch = (width + 2 * border) * channels * images
        let count = (height + 2 * border) * rowPitch
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
    }

    deinit { storage.deallocate() }

    /// The [C, N] block of pixel (row, column); both may lie up to `border` outside the image.
    @inline(__always)
    func block(row: Int, column: Int) -> UnsafeMutablePointer<Float> {
        storage + (row + border) * rowPitch + (column + border) * channels * images
    }

    /// Writes `values` [C, N] at pixel (row, column).
    func store(_ values: Tensor, row: Int, column: Int) {
        precondition(values.shape == [channels, images], "ActivationGrid: \(values.shape) is not [\(channels), \(images)]")
        let target = block(row: row, column: column)
        values.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// The [C, N] values at pixel (row, column), as a tensor.
    func values(row: Int, column: Int) -> Tensor {
        let source = block(row: row, column: column)
        return Tensor(shape: [channels, images]) { $0.baseAddress!.update(from: source, count: channels * images) }
    }
}

/// A masked convolution (or a 1×1 convolution) at one output pixel for N images: its live taps'
/// weights as an [O, C·T] matrix whose column c·T + t is tap t of input channel c, the same order
/// as the im2col rows of ``Tensor/maskedConv2d(weight:bias:mask:)``, so both sum in one order.
struct PixelwiseConvolution {
    /// [O, C·T].
    let kernel: Tensor
    /// The live taps as offsets (rows, columns) from the output pixel.
    let taps: [(row: Int, column: Int)]
    let inputChannels: Int
    /// The bias repeated for every image, [O, N], or nil.
    let bias: Tensor?

    /// The masked layer's live taps, for batches of `images` images.
    init(_ layer: MaskedConv2d, images: Int) {
        let mask = layer.mask
        let live = mask.liveTaps
        taps = live.map { (row: $0 / mask.width - mask.height / 2, column: $0 % mask.width - mask.width / 2) }
        inputChannels = layer.inputChannels
        let outputs = layer.outputChannels, inputs = layer.inputChannels, kernelTaps = mask.height * mask.width
        kernel = layer.weight.withUnsafeBufferPointer { weight in
            Tensor(shape: [outputs, inputs * live.count]) { out in
                var index = 0
                for row in 0..<(outputs * inputs) {
                    for tap in live {
                        // A colour mask's disconnected centre pairs are zero in a trained weight too;
                        // the mask makes sure.
                        let joined = mask.centreGroups == nil
                            || mask.joins(tap: tap, output: row / inputs, of: outputs, input: row % inputs, of: inputs)
                        out[index] = joined ? weight[row * kernelTaps + tap] : 0
                        index += 1
                    }
                }
            }
        }
        bias = layer.bias.map { Self.repeated($0, images: images) }
    }

    /// A 1×1 convolution: its weight as an [O, C] matrix, the only tap at offset (0, 0).
    init(pointwise layer: Conv2d, images: Int) {
        precondition(layer.weight.shape[2] == 1 && layer.weight.shape[3] == 1 && layer.stride == 1 && layer.padding == 0,
                     "PixelwiseConvolution: \(layer.weight.shape) is not a 1×1 convolution")
        kernel = layer.weight.reshaped([layer.outputChannels, layer.inputChannels])
        taps = [(0, 0)]
        inputChannels = layer.inputChannels
        bias = layer.bias.map { Self.repeated($0, images: images) }
    }

    /// Any kernel over any taps, without bias: the state-to-state maps of PixelRNN's LSTMs.
    ///
    /// - Parameters:
    ///   - kernel: [O, C·T], column c·T + t for tap t of input channel c.
    ///   - taps: offsets (rows, columns) from the output pixel.
    init(kernel: Tensor, taps: [(row: Int, column: Int)], inputChannels: Int) {
        precondition(kernel.rank == 2 && kernel.shape[1] == inputChannels * taps.count,
                     "PixelwiseConvolution: kernel \(kernel.shape) does not hold \(taps.count) taps of \(inputChannels) channels")
        self.kernel = kernel
        self.taps = taps
        self.inputChannels = inputChannels
        bias = nil
    }

    /// [O] → [O, N], each value repeated along its row.
    static func repeated(_ bias: Tensor, images: Int) -> Tensor {
        let values = bias.scalars
        return Tensor(shape: [values.count, images], scalars: values.flatMap { Array(repeating: $0, count: images) })
    }

    /// The layer's output at pixel (row, column) from the activations of `grid`: [O, N].
    func callAsFunction(_ grid: ActivationGrid, row: Int, column: Int) -> Tensor {
        let images = grid.images, channels = inputChannels, tapCount = taps.count
        precondition(grid.channels == channels, "PixelwiseConvolution: grid has \(grid.channels) channels, layer takes \(channels)")
        let columns = Tensor(shape: [channels * tapCount, images]) { out in
            for (index, tap) in taps.enumerated() {
                let source = grid.block(row: row + tap.row, column: column + tap.column)
                for channel in 0..<channels {
                    (out.baseAddress! + (channel * tapCount + index) * images).update(from: source + channel * images, count: images)
                }
            }
        }
        return withBias(kernel.matmul(columns))
    }

    /// The 1×1 layer on one pixel's values `input` [C, N]: [O, N].
    func callAsFunction(_ input: Tensor) -> Tensor {
        withBias(kernel.matmul(input))
    }

    private func withBias(_ product: Tensor) -> Tensor {
        bias.map { product + $0 } ?? product
    }
}

/// A per-class bias (a Linear from one-hot labels, no bias) for fixed labels: [O, N], column n
/// the bias of image n's class.
struct PixelwiseClassBias {
    let values: Tensor?

    init(_ layer: Linear?, oneHot: Tensor?) {
        guard let layer, let oneHot else { values = nil; return }
        values = layer.weight.matmul(oneHot, transposeOther: true)
    }

    /// `x` [O, N] plus the bias, or `x` for an unconditional model.
    func adding(to x: Tensor) -> Tensor {
        values.map { x + $0 } ?? x
    }
}
