import NN
import TensorCore

/// PixelCNN's fast sampler: each layer's activations are computed once per pixel, when that pixel's
/// turn comes, and kept.
///
/// Why that is exact: a layer's activation at pixel q depends on the image's pixels before q only
/// (that is what the masks guarantee), and those never change once drawn. So when pixel t is about
/// to be drawn, the activations at every pixel up to t are final, and computing the network's
/// output at t needs, per layer, just the one new pixel's activation, from cached activations of
/// the layer below at pixels ≤ t. Generating H·W pixels then costs one forward pass in all, done
/// one pixel at a time, instead of H·W full passes.
///
/// The Gated PixelCNN's vertical stack is the exception to "pixels ≤ t": its kernels read the row
/// of the pixel to the right too. But its features at row r depend on rows above r only, so the
/// whole row r of the vertical stack is computed when row r starts, before its first pixel.
///
/// Colour images are drawn sub-pixel by sub-pixel, R, then G, then B at each pixel: the network's
/// column at the pixel is computed three times, each time with one more colour drawn, and the
/// logits of colour c are taken from pass c. That is exact because colour c's logits depend on
/// the colours before c at the pixel only (the channel-group masks), and the last pass, with all
/// three drawn, leaves the activations that later pixels read. Three passes at one pixel, never
/// the whole image again.
final class IncrementalPixelCNNSampler {
    let model: PixelCNN
    let images: Int, height: Int, width: Int
    /// The images being drawn, [H, W, C, N] with a border (the first layer's input).
    let pixels: ActivationGrid
    /// One-hot labels [N, classes] of a class-conditional model.
    let oneHot: Tensor?

    // The plain body: the first layer, the residual blocks (with the grids of ReLU(h) they read)
    // and their class biases.
    private var first: PixelwiseConvolution?
    private var blocks: [(convolution: PixelwiseConvolution, inputs: ActivationGrid)] = []
    private var classBiases: [PixelwiseClassBias] = []

    // The gated body.
    private var gated: [GatedLayerState] = []

    private let output: PixelwiseConvolution
    private let outputClassBias: PixelwiseClassBias

    /// - Parameters:
    ///   - labels: N labels for a class-conditional model, else nil.
    init(model: PixelCNN, images: Int, height: Int, width: Int, labels: [Int]?) {
        self.model = model
        self.images = images
        self.height = height
        self.width = width
        let oneHot = model.oneHotLabels(labels, count: images)
        self.oneHot = oneHot
        // One border wide enough for every kernel of the model.
        let border = model.maskedConvolutions.map { Swift.max($0.mask.height, $0.mask.width) / 2 }.max() ?? 0
        func grid(_ channels: Int) -> ActivationGrid {
            ActivationGrid(height: height, width: width, channels: channels, images: images, border: border)
        }
        pixels = grid(model.imageChannels)
        output = model.colourOut.map { PixelwiseConvolution($0, images: images) }
            ?? PixelwiseConvolution(pointwise: model.out!, images: images)
        if model.isGated {
            gated = model.gatedLayers.map { layer in
                GatedLayerState(layer: layer, images: images, width: width, oneHot: oneHot,
                                verticalOutputs: grid(layer.channels), horizontalOutputs: grid(layer.channels))
            }
        } else {
            first = PixelwiseConvolution(model.inp!, images: images)
            blocks = model.res.map { (PixelwiseConvolution($0, images: images), grid($0.inputChannels)) }
            let biases = model.classBiases.map { PixelwiseClassBias($0, oneHot: oneHot) }
            classBiases = biases.isEmpty ? Array(repeating: PixelwiseClassBias(nil, oneHot: nil), count: blocks.count + 1) : biases
        }
        outputClassBias = PixelwiseClassBias(model.outClassBias, oneHot: oneHot)
    }

    /// Draws every pixel in raster order from `uniforms` (pixel-major: uniforms[(t·C + c)·N + n]
    /// for channel c of pixel t of image n) and returns the images, [N, C, H, W].
    func run(uniforms: [Float]) -> Tensor {
        run(uniforms: uniforms, keepingLogits: false).images
    }

    /// As ``run(uniforms:)``, and with `keepingLogits` also the logits each pixel was drawn from,
    /// [N, C·L, H, W]: they must equal the whole network's logits on the drawn images, since the
    /// logits at a pixel depend on the pixels before it only (and colour c's on colours before c).
    ///
    /// With `given`, the first `given.pixels` pixels (raster order) of each image are not drawn but
    /// copied from `given.images` ([N·C·H·W] values in the distribution's representation): the
    /// completion of partly known images. Their uniforms are then unused.
    func run(uniforms: [Float], keepingLogits: Bool, given: (images: [Float], pixels: Int)? = nil) -> (images: Tensor, logits: Tensor?) {
        let colours = model.imageChannels
        precondition(uniforms.count == height * width * colours * images, "IncrementalPixelCNNSampler: \(uniforms.count) uniforms")
        let result = Tensor.zeros([images, colours, height, width])
        let levels = model.distribution.logitsPerPixel
        let kept = keepingLogits ? Tensor.zeros([images, colours * levels, height, width]) : nil
        withoutGradients {
            for row in 0..<height {
                if model.isGated { startGatedRow(row) }
                for column in 0..<width {
                    for colour in 0..<colours {
                        let logits = model.isGated ? gatedLogits(row: row, column: column) : plainLogits(row: row, column: column)
                        draw(logits, colour: colour, row: row, column: column, uniforms: uniforms, given: given, into: result)
                        if let kept { SubPixelLogits.store(logits, colour: colour, levels: levels, row: row, column: column, into: kept) }
                    }
                }
            }
        }
        return (result, kept)
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
                    continue
                }
                drawn[image] = model.distribution.draw(logits: logits.baseAddress! + first + image, stride: images,
                                                       uniform: uniforms[(pixel * colours + colour) * images + image])
            }
        }
        result.withUnsafeMutableBufferPointer { out in
            for image in 0..<images { out[(image * colours + colour) * plane + pixel] = drawn[image] }
        }
        // The first layer reads what the network reads: centred values where the model centres.
        if model.centresInput {
            for image in 0..<images { drawn[image] = 2 * drawn[image] - 1 }
        }
    }

    // MARK: Plain body

    /// The output at (row, column) of h = inp(x); h = h + res(ReLU(h)) …; out(ReLU(h)), as
    /// ``PixelCNN/logits(_:labels:)`` computes it for the whole image: [C·L, N].
    private func plainLogits(row: Int, column: Int) -> Tensor {
        var h = classBiases[0].adding(to: first!(pixels, row: row, column: column))
        for (index, block) in blocks.enumerated() {
            block.inputs.store(h.relu(), row: row, column: column)
            h = h + classBiases[index + 1].adding(to: block.convolution(block.inputs, row: row, column: column))
        }
        return outputClassBias.adding(to: output(h.relu()))
    }

    // MARK: Gated body

    /// A gated layer's pixelwise convolutions and the activations it keeps.
    private struct GatedLayerState {
        let vertical: PixelwiseConvolution, horizontal: PixelwiseConvolution
        let link: PixelwiseConvolution, output: PixelwiseConvolution
        let verticalClassBias: PixelwiseClassBias, horizontalClassBias: PixelwiseClassBias
        let isResidual: Bool
        /// The gated vertical features (the next layer's vertical input).
        let verticalOutputs: ActivationGrid
        /// The horizontal features (the next layer's horizontal input).
        let horizontalOutputs: ActivationGrid
        /// The current row's vertical pre-activations [2p, N], one per column, for the link.
        var verticalRow: [Tensor?]

        init(layer: GatedPixelCNNLayer, images: Int, width: Int, oneHot: Tensor?,
             verticalOutputs: ActivationGrid, horizontalOutputs: ActivationGrid) {
            vertical = PixelwiseConvolution(layer.vertical, images: images)
            horizontal = PixelwiseConvolution(layer.horizontal, images: images)
            link = PixelwiseConvolution(pointwise: layer.link, images: images)
            output = PixelwiseConvolution(pointwise: layer.output, images: images)
            verticalClassBias = PixelwiseClassBias(layer.verticalClassBias, oneHot: oneHot)
            horizontalClassBias = PixelwiseClassBias(layer.horizontalClassBias, oneHot: oneHot)
            isResidual = layer.isResidual
            self.verticalOutputs = verticalOutputs
            self.horizontalOutputs = horizontalOutputs
            verticalRow = Array(repeating: nil, count: width)
        }
    }

    /// The vertical stack of every layer along row `row`, layer by layer: a layer reads the row of
    /// the layer below to the right of each pixel too, so that row must be complete first.
    private func startGatedRow(_ row: Int) {
        for index in gated.indices {
            let source = index == 0 ? pixels : gated[index - 1].verticalOutputs
            for column in 0..<width {
                let layer = gated[index]
                let pre = layer.verticalClassBias.adding(to: layer.vertical(source, row: row, column: column))
                gated[index].verticalRow[column] = pre
                layer.verticalOutputs.store(GatedPixelCNNLayer.gate(pre, axis: 0), row: row, column: column)
            }
        }
    }

    /// The horizontal stack of every layer at (row, column), then the output: [L, N].
    private func gatedLogits(row: Int, column: Int) -> Tensor {
        var h: Tensor?
        for (index, layer) in gated.enumerated() {
            let source = index == 0 ? pixels : gated[index - 1].horizontalOutputs
            let pre = layer.horizontalClassBias.adding(to: layer.horizontal(source, row: row, column: column)
                                                       + layer.link(layer.verticalRow[column]!))
            let gatedOutput = layer.output(GatedPixelCNNLayer.gate(pre, axis: 0))
            let next = layer.isResidual ? gatedOutput + source.values(row: row, column: column) : gatedOutput
            layer.horizontalOutputs.store(next, row: row, column: column)
            h = next
        }
        return outputClassBias.adding(to: output(h!.relu()))
    }
}
