/// Which taps of a kH×kW convolution kernel are live: the kernels of autoregressive image models,
/// whose outputs must not see the current pixel or any later one (PixelCNN, van den Oord et al. 2016).
///
/// Taps are numbered in raster order, t = i·kW + j for kernel row i and column j, and the kernel
/// is centred at (kH/2, kW/2): with stride 1 and padding (kH/2, kW/2), tap (i, j) of output pixel
/// (r, c) reads input pixel (r + i − kH/2, c + j − kW/2). ``Tensor/maskedConv2d(weight:bias:mask:)``
/// computes with the live taps only; the dead ones are never read, and get zero gradient.
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

    /// A mask with the given live taps (any order, no repeats), each in 0..<height·width.
    public init(height: Int, width: Int, liveTaps: [Int]) {
        precondition(height > 0 && width > 0 && height % 2 == 1 && width % 2 == 1,
                     "KernelMask: kernel \(height)×\(width) must have odd, positive sides so that it has a centre")
        let sorted = liveTaps.sorted()
        precondition(Set(sorted).count == sorted.count && sorted.allSatisfy { $0 >= 0 && $0 < height * width },
                     "KernelMask: live taps \(liveTaps) must be distinct and within a \(height)×\(width) kernel")
        self.height = height
        self.width = width
        self.liveTaps = sorted
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

    /// Rows of the mask, for example "■■■ / ■□□ / □□□" for a 3×3 mask A.
    public var description: String {
        let live = liveTapSet
        return (0..<height).map { i in
            String((0..<width).map { live.contains(i * width + $0) ? "■" : "□" })
        }.joined(separator: " / ")
    }
}
