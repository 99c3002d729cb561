import NN
import TensorCore

/// PixelRNN's fast sampler: every layer's activations and LSTM states are computed once per pixel,
/// when that pixel's turn comes, and kept, as PixelCNN's sampler does (``IncrementalPixelCNNSampler``).
///
/// Why that is exact: every map of the network at pixel q depends on the image's pixels before q
/// only, and those never change once drawn. The LSTMs' recurrences are local, so each state is one
/// cell step from states already computed:
/// - Row LSTM: the state at (r, c) comes from the states at (r − 1, c − 1 … c + 1), the row above,
///   finished before row r starts, and from its input at (r, c − 1) and (r, c).
/// - Diagonal BiLSTM, left to right: from the states at (r − 1, c) and (r, c − 1), both already
///   computed in raster order.
/// - Diagonal BiLSTM, right to left: from (r − 1, c) and (r, c + 1), which lies ahead in raster
///   order. But this direction enters the layer's output shifted down one row, so row r needs only
///   its states of row r − 1; they are swept right to left when row r starts, once every input of
///   row r − 1 is known. That is all the Diagonal BiLSTM cannot compute pixel by pixel: its
///   right-to-left states wait for the end of their row.
/// So drawing H·W pixels costs about one forward pass in all instead of H·W full passes.
///
/// Colour images are drawn sub-pixel by sub-pixel, R, then G, then B at each pixel, as the colour
/// PixelCNN's sampler does: the network's column at the pixel is computed three times, each time
/// with one more colour drawn, and colour c is drawn from pass c's logits. That is exact because
/// colour c's logits depend on the colours before c at the pixel only (the channel-group masks),
/// and each pass overwrites the pixel's inputs and states, which no step of the same pixel reads;
/// the last pass, with all three drawn, leaves what later pixels read.
final class IncrementalPixelRNNSampler {
    let model: PixelRNN
    let images: Int, height: Int, width: Int
    /// The images being drawn, position-major [H, W, C, N] with a border (the first layer's input).
    let pixels: ActivationGrid
    private let first: PixelwiseConvolution
    private var layers: [LayerState]
    private let hidden: PixelwiseConvolution, output: PixelwiseConvolution

    init(model: PixelRNN, images: Int, height: Int, width: Int) {
        self.model = model
        self.images = images
        self.height = height
        self.width = width
        func grid(_ channels: Int, border: Int = 1) -> ActivationGrid {
            ActivationGrid(height: height, width: width, channels: channels, images: images, border: border)
        }
        pixels = grid(model.imageChannels, border: model.inp.mask.height / 2)
        first = PixelwiseConvolution(model.inp, images: images)
        layers = model.layers.map { LayerState(layer: $0, images: images, grid: grid) }
        hidden = PixelwiseConvolution(oneByOne: model.out1, images: images)
        output = PixelwiseConvolution(oneByOne: model.out2, images: images)
    }

    /// Draws every pixel in raster order from `uniforms` (pixel-major: uniforms[(t·C + c)·N + n]
    /// for colour c of pixel t of image n, C the image channels), and with `keepingLogits` also
    /// returns the logits each sub-pixel was drawn from, [N, C·L, H, W]. With `given`, the first
    /// `given.pixels` pixels of each image (all their colours) are copied from `given.images`
    /// ([N·C·H·W] values) instead of drawn.
    func run(uniforms: [Float], keepingLogits: Bool = false,
             given: (images: [Float], pixels: Int)? = nil) -> (images: Tensor, logits: Tensor?) {
        let colours = model.imageChannels
        precondition(uniforms.count == height * width * colours * images, "IncrementalPixelRNNSampler: \(uniforms.count) uniforms")
        let result = Tensor.zeros([images, colours, height, width])
        let levels = model.distribution.logitsPerPixel
        let kept = keepingLogits ? Tensor.zeros([images, colours * levels, height, width]) : nil
        withoutGradients {
            for row in 0..<height {
                if row > 0 { for layer in layers { layer.sweepRightToLeft(row: row - 1, width: width) } }
                for column in 0..<width {
                    for colour in 0..<colours {
                        let logits = logits(row: row, column: column)
                        draw(logits, colour: colour, row: row, column: column, uniforms: uniforms, given: given, into: result)
                        if let kept { SubPixelLogits.store(logits, colour: colour, levels: levels, row: row, column: column, into: kept) }
                    }
                }
            }
        }
        return (result, kept)
    }

    /// The network's output at (row, column), as ``PixelRNN/logits(_:)`` computes it for the whole
    /// image: [C·L, N].
    private func logits(row: Int, column: Int) -> Tensor {
        var x = first(pixels, row: row, column: column)
        for layer in layers {
            layer.inputs.store(x, row: row, column: column)
            x = x + layer.up(layer.step(row: row, column: column))
        }
        return output(hidden(x.relu()).relu())
    }

    /// Draws colour `colour` of pixel (row, column) of every image from its logits [C·L, N] (rows
    /// colour·L..<(colour + 1)·L).
    private func draw(_ logits: Tensor, colour: Int, row: Int, column: Int, uniforms: [Float],
                      given: (images: [Float], pixels: Int)?, into result: Tensor) {
        let pixel = row * width + column, colours = model.imageChannels, plane = height * width
        let drawn = pixels.block(row: row, column: column) + colour * images
        let first = colour * model.distribution.logitsPerPixel * images
        logits.withUnsafeBufferPointer { logits in
            for image in 0..<images {
                if let given, pixel < given.pixels {
                    drawn[image] = given.images[(image * colours + colour) * plane + pixel]
                } else {
                    drawn[image] = model.distribution.draw(logits: logits.baseAddress! + first + image, stride: images,
                                                           uniform: uniforms[(pixel * colours + colour) * images + image])
                }
            }
        }
        result.withUnsafeMutableBufferPointer { out in
            for image in 0..<images { out[(image * colours + colour) * plane + pixel] = drawn[image] }
        }
    }
}

/// One residual layer's pixelwise maps and the grids of what it has computed so far.
private final class LayerState {
    /// The layer's input x at every pixel computed so far, [2U, N] per pixel.
    let inputs: ActivationGrid
    let up: PixelwiseConvolution
    private let directions: [Direction]

    /// One LSTM sweep: its input-to-state and state-to-state maps and its h and c grids.
    private struct Direction {
        let inputToState: PixelwiseConvolution, stateToState: PixelwiseConvolution
        let hidden: ActivationGrid, cell: ActivationGrid
        /// Where the cell state comes from, relative to the pixel.
        let cellSource: (row: Int, column: Int)

        /// The cell at (row, column): its h and c are stored in the grids and h is returned, [U, N].
        @discardableResult
        func step(inputs: ActivationGrid, row: Int, column: Int) -> Tensor {
            let gates = inputToState(inputs, row: row, column: column) + stateToState(hidden, row: row, column: column)
            let previous = cell.values(row: row + cellSource.row, column: column + cellSource.column)
            let (h, c) = Tensor.spatialLSTMCell(gates: gates, previousCell: previous)
            hidden.store(h, row: row, column: column)
            cell.store(c, row: row, column: column)
            return h
        }
    }

    init(layer: PixelRNNResidualLayer, images: Int, grid: (Int, Int) -> ActivationGrid) {
        up = PixelwiseConvolution(oneByOne: layer.up, images: images)
        if let row = layer.rnn as? RowLSTM {
            let units = row.units
            inputs = grid(row.i2s.inputChannels, 1)
            // s2s [4U, U, 3] is already [O, C·T] with tap t of channel c at c·3 + t: the row above,
            // columns c − 1, c, c + 1.
            directions = [Direction(
                inputToState: PixelwiseConvolution(row.i2s, images: images),
                stateToState: PixelwiseConvolution(kernel: row.s2s.reshaped([4 * units, 3 * units]),
                                                   taps: [(-1, -1), (-1, 0), (-1, 1)], inputChannels: units),
                hidden: grid(units, 1), cell: grid(units, 1), cellSource: (-1, 0))]
        } else if let bidirectional = layer.rnn as? DiagonalBiLSTM {
            inputs = grid(2 * bidirectional.l2r.s2s.shape[1], 1)
            directions = [bidirectional.l2r, bidirectional.r2l].map { lstm in
                let units = lstm.s2s.shape[1], side = lstm.direction == .leftToRight ? -1 : 1
                // s2s [4U, U, 2]: tap 0 the pixel above, tap 1 the pixel before in the sweep.
                return Direction(
                    inputToState: PixelwiseConvolution(oneByOne: lstm.i2s, images: images),
                    stateToState: PixelwiseConvolution(kernel: lstm.s2s.reshaped([4 * units, 2 * units]),
                                                       taps: [(-1, 0), (0, side)], inputChannels: units),
                    hidden: grid(units, 1), cell: grid(units, 1), cellSource: (0, side))
            }
        } else {
            preconditionFailure("IncrementalPixelRNNSampler: unknown recurrent layer \(type(of: layer.rnn))")
        }
    }

    /// The LSTM output at (row, column) once its input there is stored: [U, N]. For the Diagonal
    /// BiLSTM, the left-to-right state plus the right-to-left state of the pixel above (zero on
    /// the first row), which ``sweepRightToLeft(row:width:)`` computed when this row started.
    func step(row: Int, column: Int) -> Tensor {
        let h = directions[0].step(inputs: inputs, row: row, column: column)
        guard directions.count == 2 else { return h }
        return h + directions[1].hidden.values(row: row - 1, column: column)
    }

    /// The right-to-left states of a finished row, right to left (Diagonal BiLSTM only).
    func sweepRightToLeft(row: Int, width: Int) {
        guard directions.count == 2 else { return }
        for column in stride(from: width - 1, through: 0, by: -1) {
            directions[1].step(inputs: inputs, row: row, column: column)
        }
    }
}

extension PixelwiseConvolution {
    /// A PixelRNN's 1×1 map at one pixel: a ``Conv2d`` (grey images) or a ``MaskedConv2d`` whose
    /// only tap is the centre, masked by channel group (colour images).
    init(oneByOne layer: any Layer, images: Int) {
        if let masked = layer as? MaskedConv2d {
            precondition(masked.mask.liveTaps == [masked.mask.centreTap] && masked.mask.height == 1,
                         "PixelwiseConvolution: \(masked.mask) is not a 1×1 mask")
            self.init(masked, images: images)
        } else if let plain = layer as? Conv2d {
            self.init(pointwise: plain, images: images)
        } else {
            preconditionFailure("PixelwiseConvolution: \(type(of: layer)) is not a 1×1 convolution")
        }
    }
}
