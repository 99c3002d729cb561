/// Which taps of a kH×kW convolution kernel are live: the kernels of autoregressive image models,
/// whose outputs must not see the current pixel or any later one (PixelCNN, van den Oord et al. 2016).
///
/// Taps are numbered in raster order, t = i·kW + j for kernel row i and column j, and the kernel
/// is centred at (kH/2, kW/2): with stride 1 and padding (kH/2, kW/2), tap (i, j) of output pixel
/// (r, c) reads input pixel (r + i − kH/2, c + j − kW/2). ``Tensor/maskedConv2d(weight:bias:mask:)``
/// computes with the live taps only; the dead ones are never read, and get zero gradient.
///
/// A colour PixelCNN's mask also has ``centreGroups``: the centre tap is live, but only for the
/// pairs of (output, input) channel groups that ``ChannelGroupMask`` connects; the others are
/// treated as dead taps (read as zero, zero gradient). Without it every live tap joins every pair.
public struct KernelMask: Hashable, Sendable, CustomStringConvertible {
    /// PixelCNN's two raster-order masks.
    public enum CausalType: String, Sendable, CaseIterable {
        /// The centre tap is dead: for the first layer, whose output at a pixel must not see that pixel.
        case a = "A"
        /// The centre tap is live: for later layers, whose input at a pixel already excludes it.
        case b = "B"
    }

    /// Kernel rows, kH.
    public let height: Int
    /// Kernel columns, kW.
    public let width: Int
    /// The live taps i·kW + j, ascending.
    public let liveTaps: [Int]
    /// The channel-group mask of the centre tap (which must then be live), or nil when every live
    /// tap joins every channel pair (grey images).
    public let centreGroups: ChannelGroupMask?

    /// A mask with the given live taps (any order, no repeats), each in 0..<height·width, and
    /// optionally a channel-group mask at the centre tap, which must be among them.
    public init(height: Int, width: Int, liveTaps: [Int], centreGroups: ChannelGroupMask? = nil) {
        precondition(height > 0 && width > 0 && height % 2 == 1 && width % 2 == 1,
                     "KernelMask: kernel \(height)×\(width) must have odd, positive sides so that it has a centre")
        let sorted = liveTaps.sorted()
        precondition(Set(sorted).count == sorted.count && sorted.allSatisfy { $0 >= 0 && $0 < height * width },
                     "KernelMask: live taps \(liveTaps) must be distinct and within a \(height)×\(width) kernel")
        self.height = height
        self.width = width
        self.liveTaps = sorted
        self.centreGroups = centreGroups
        precondition(centreGroups == nil || sorted.contains(centreTap), "KernelMask: channel groups at a dead centre tap")
    }

    /// The taps (i, j) of a kernel for which `isLive(i, j)` holds.
    init(height: Int, width: Int, where isLive: (_ row: Int, _ column: Int) -> Bool) {
        precondition(height > 0 && width > 0 && height % 2 == 1 && width % 2 == 1,
                     "KernelMask: kernel \(height)×\(width) must have odd, positive sides so that it has a centre")
        let taps = (0..<(height * width)).filter { isLive($0 / width, $0 % width) }
        self.init(height: height, width: width, liveTaps: taps)
    }

    /// PixelCNN's mask: every row above the centre, and the centre row left of the centre; type B
    /// also keeps the centre. A 7×7 mask A keeps 3·7 + 3 = 24 of 49 taps, a 3×3 mask B 3 + 2 = 5 of 9.
    /// On a 1×k kernel it is the horizontal stack's mask of the Gated PixelCNN.
    public static func causal(_ type: CausalType, height: Int, width: Int) -> KernelMask {
        let centreRow = height / 2, centreColumn = width / 2
        return KernelMask(height: height, width: width) { i, j in
            i < centreRow || (i == centreRow && (j < centreColumn || (type == .b && j == centreColumn)))
        }
    }

    /// The colour PixelCNN's mask over `groups` channel groups (R, G, B for 3): every row above the
    /// centre and the centre row left of it for every channel pair, and the centre tap for the pairs
    /// of groups that mask A (input group < output group) or B (≤) allows (``ChannelGroupMask``).
    /// A 1×1 kernel keeps only the centre: the output layer of the colour PixelCNN. With
    /// `outputBlocks` 4, the output channels are an LSTM's four gates, each block grouped on its
    /// own (``ChannelGroupMask/outputBlocks``): the colour PixelRNN's input-to-state maps.
    public static func causal(_ type: CausalType, height: Int, width: Int, channelGroups groups: Int,
                              outputBlocks: Int = 1) -> KernelMask {
        let spatial = causal(.b, height: height, width: width)
        return KernelMask(height: height, width: width, liveTaps: spatial.liveTaps,
                          centreGroups: ChannelGroupMask(groups: groups, includesOwnGroup: type == .b, outputBlocks: outputBlocks))
    }

    /// The centre tap, (kH/2)·kW + kW/2.
    public var centreTap: Int { (height / 2) * width + width / 2 }

    /// Whether tap `tap` joins output channel `output` of `outputs` to input channel `input` of
    /// `inputs`: it is live, and at the centre its channel groups are connected.
    public func joins(tap: Int, output: Int, of outputs: Int, input: Int, of inputs: Int) -> Bool {
        guard liveTapSet.contains(tap) else { return false }
        guard let centreGroups, tap == centreTap else { return true }
        return centreGroups.connects(output: output, of: outputs, input: input, of: inputs)
    }

    /// PixelCNN's mask on a square k×k kernel.
    public static func causal(_ type: CausalType, size: Int) -> KernelMask {
        causal(type, height: size, width: size)
    }

    /// The vertical stack's mask of the Gated PixelCNN: whole rows above the centre, and the centre
    /// row too when `includingCentreRow`. Without the centre row (the first layer) an output at row r
    /// sees rows above r only; layers with it then keep that property, and see ever further left
    /// and right, which is what removes the PixelCNN's blind spot.
    public static func rowsAbove(height: Int, width: Int, includingCentreRow: Bool) -> KernelMask {
        let centreRow = height / 2
        return KernelMask(height: height, width: width) { i, _ in i < centreRow || (includingCentreRow && i == centreRow) }
    }

    /// Whether tap (row, column) is live.
    public func contains(row: Int, column: Int) -> Bool {
        row >= 0 && row < height && column >= 0 && column < width && liveTapSet.contains(row * width + column)
    }

    private var liveTapSet: Set<Int> { Set(liveTaps) }

    /// The mask as a [kH, kW] tensor of ones (live) and zeros (dead). `weight * mask.tensor()` is
    /// the full kernel that a plain conv2d would need to compute the same function.
    public func tensor() -> Tensor {
        let live = liveTapSet
        return Tensor(shape: [height, width], scalars: (0..<(height * width)).map { live.contains($0) ? 1 : 0 })
    }

    /// The full mask, [O, C, kH, kW] ones and zeros, for `outputs` output and `inputs` input
    /// channels: ``tensor()`` at every channel pair, less the centre pairs that ``centreGroups``
    /// disconnects. `weight * mask.tensor(outputs:inputs:)` is the kernel a plain conv2d needs.
    public func tensor(outputs: Int, inputs: Int) -> Tensor {
        let taps = height * width, live = liveTapSet
        return Tensor(shape: [outputs, inputs, height, width]) { out in
            for output in 0..<outputs {
                for input in 0..<inputs {
                    for tap in 0..<taps {
                        let joined = live.contains(tap) && (centreGroups == nil || tap != centreTap
                            || centreGroups!.connects(output: output, of: outputs, input: input, of: inputs))
                        out[(output * inputs + input) * taps + tap] = joined ? 1 : 0
                    }
                }
            }
        }
    }

    /// Rows of the mask, for example "■■■ / ■□□ / □□□" for a 3×3 mask A, and the centre's channel
    /// groups if any.
    public var description: String {
        let live = liveTapSet
        let rows = (0..<height).map { i in
            String((0..<width).map { live.contains(i * width + $0) ? "■" : "□" })
        }.joined(separator: " / ")
        return centreGroups.map { "\(rows) (\($0))" } ?? rows
    }
}
