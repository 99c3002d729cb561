import NN
import TensorCore

/// The encoder and decoder networks of the image models (VAE, conditional VAE, autoencoder), built
/// from a description so that the architecture is set by flags or config, never by editing code.
///
/// Every model sees images as rows [N, D] with D = C·height·width, each image its C channel planes
/// (C×H×W). The encoder maps them to features [N, F]; the model's heads map features to latent
/// codes. The decoder maps codes [N, latent] back to P outputs per value [N, P·D], in P blocks of D
/// (P = 1 for Bernoulli logits or Gaussian means, more for a discrete likelihood over levels): the
/// convolutional decoder's last layer has P·C output channels, which flatten to exactly that layout.
///
/// A conditional model adds the one-hot label y [N, C]: the MLP encoder reads x ⊕ y, the
/// convolutional encoder's heads read features ⊕ y (a label is not an image, so it skips the
/// convolutions), and every decoder reads z ⊕ y.
public enum ImageNetworks {
    /// The shape of an encoder or decoder.
    public enum Architecture: Equatable, Sendable {
        /// Dense layers of these widths; the decoder mirrors them.
        case mlp(hiddenSizes: [Int])
        /// Convolutions with these output channels, each k×k with the given stride and padding; a
        /// dense layer between the last feature map and the latent code; the decoder mirrors them
        /// with transposed convolutions.
        case convolutional(channels: [Int], kernel: Int, stride: Int, padding: Int)
    }

    /// An encoder and the width of what its heads read.
    public struct Encoder {
        public let body: Sequential
        /// F, plus C where the label joins the features (convolutional, conditional).
        public let headInputs: Int
        /// True when the label is appended to the image (MLP), false when it joins the features.
        public let labelJoinsInput: Bool
    }

    /// The encoder for images of `imageChannels`×`height`×`width` values, or an error naming the
    /// size when the architecture cannot take it.
    public static func encoder(_ architecture: Architecture, imageChannels: Int = 1, height: Int, width: Int, classCount: Int,
                               activation: Activation.Kind, using generator: inout RandomGenerator) throws -> Encoder {
        switch architecture {
        case .mlp(let hiddenSizes):
            try checkWidths(hiddenSizes)
            let body = mlp(widths: [imageChannels * height * width + classCount] + hiddenSizes, activation: activation, using: &generator)
            return Encoder(body: body, headInputs: hiddenSizes.last!, labelJoinsInput: true)
        case .convolutional(let channels, let kernel, let stride, let padding):
            let sides = try featureMapSides(architecture, height: height, width: width)
            var layers: [any Layer] = [Reshape([imageChannels, height, width])]
            for (inputs, outputs) in zip([imageChannels] + channels, channels) {
                layers += [Conv2d(inputs: inputs, outputs: outputs, kernelSize: kernel, stride: stride, padding: padding, using: &generator),
                           Activation(activation)]
            }
            let last = sides.last!
            let features = channels.last! * last.height * last.width
            layers.append(Reshape([features]))
            return Encoder(body: Sequential(layers), headInputs: features + classCount, labelJoinsInput: false)
        }
    }

    /// The decoder: [N, latent + classes] → [N, P·D] with D = `imageChannels`·height·width and
    /// P = `outputsPerValue`.
    public static func decoder(_ architecture: Architecture, imageChannels: Int = 1, outputsPerValue: Int = 1, height: Int, width: Int,
                               latentDimension: Int, classCount: Int,
                               activation: Activation.Kind, using generator: inout RandomGenerator) throws -> Sequential {
        let outputs = outputsPerValue * imageChannels
        switch architecture {
        case .mlp(let hiddenSizes):
            try checkWidths(hiddenSizes)
            let widths = [latentDimension + classCount] + hiddenSizes.reversed()
            return Sequential(mlp(widths: widths, activation: activation, using: &generator).layers
                              + [Linear(inputs: widths.last!, outputs: outputs * height * width, using: &generator)])
        case .convolutional(let channels, let kernel, let stride, let padding):
            let sides = try featureMapSides(architecture, height: height, width: width)
            let last = sides.last!
            var layers: [any Layer] = [
                Linear(inputs: latentDimension + classCount, outputs: channels.last! * last.height * last.width, using: &generator),
                Activation(activation),
                Reshape([channels.last!, last.height, last.width]),
            ]
            // Back through the feature maps in reverse; output padding picks the exact size each
            // forward convolution came from (a stride-s convolution maps s sizes to one).
            let outputChannels = Array(channels.dropLast().reversed()) + [outputs]
            for (index, (inputs, outputs)) in zip(channels.reversed(), outputChannels).enumerated() {
                let from = sides[sides.count - 1 - index], to = sides[sides.count - 2 - index]
                let reached = (from.height - 1) * stride - 2 * padding + kernel
                let extra = (height: to.height - reached, width: to.width - ((from.width - 1) * stride - 2 * padding + kernel))
                guard extra.height == extra.width, extra.height >= 0, extra.height < stride else {
                    throw ArchitectureError.unmirrorable(height: height, width: width)
                }
                layers.append(TransposedConv2d(inputs: inputs, outputs: outputs, kernelSize: kernel, stride: stride, padding: padding,
                                               outputPadding: extra.height, using: &generator))
                if index < channels.count - 1 { layers.append(Activation(activation)) }
            }
            layers.append(Reshape([outputs * height * width]))
            return Sequential(layers)
        }
    }

    /// The side lengths of the image and of every feature map the convolutions make, first to last.
    static func featureMapSides(_ architecture: Architecture, height: Int, width: Int) throws -> [(height: Int, width: Int)] {
        guard case .convolutional(let channels, let kernel, let stride, let padding) = architecture else { return [(height, width)] }
        guard !channels.isEmpty, channels.allSatisfy({ $0 >= 1 }), kernel >= 1, stride >= 1, padding >= 0 else {
            throw ArchitectureError.invalid("convolutions need at least one positive channel count, a kernel and stride of at least 1 and padding of at least 0")
        }
        var sides = [(height: height, width: width)]
        for _ in channels {
            let previous = sides.last!
            let spans = (previous.height + 2 * padding - kernel, previous.width + 2 * padding - kernel)
            guard spans.0 >= 0, spans.1 >= 0 else {
                throw ArchitectureError.tooSmall(height: height, width: width, layers: channels.count, kernel: kernel, stride: stride)
            }
            sides.append((spans.0 / stride + 1, spans.1 / stride + 1))
        }
        return sides
    }

    static func checkWidths(_ hiddenSizes: [Int]) throws {
        guard !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 >= 1 }) else {
            throw ArchitectureError.invalid("an MLP needs at least one hidden layer, every width positive")
        }
    }

    /// Linear + activation for each consecutive pair of widths.
    static func mlp(widths: [Int], activation: Activation.Kind, using generator: inout RandomGenerator) -> Sequential {
        Sequential(zip(widths, widths.dropFirst()).flatMap { inputs, outputs -> [any Layer] in
            [Linear(inputs: inputs, outputs: outputs, using: &generator), Activation(activation)]
        })
    }
}

/// An architecture that cannot be built for the data.
public enum ArchitectureError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    case tooSmall(height: Int, width: Int, layers: Int, kernel: Int, stride: Int)
    case unmirrorable(height: Int, width: Int)

    public var description: String {
        switch self {
        case .invalid(let reason): "The architecture is not valid: \(reason)."
        case .tooSmall(let height, let width, let layers, let kernel, let stride):
            "Images of \(height)×\(width) pixels are too small for \(layers) convolutions of \(kernel)×\(kernel) with stride \(stride)."
        case .unmirrorable(let height, let width):
            "Images of \(height)×\(width) pixels cannot be rebuilt by the mirrored transposed convolutions; choose another kernel, stride or padding."
        }
    }
}
