/// Which input channels an output channel may read at the centre tap of a colour PixelCNN's masked
/// convolution (van den Oord et al., "Pixel Recurrent Neural Networks", 2016, section 3.4).
///
/// A colour pixel is drawn one sub-pixel at a time, R, then G, then B, so every layer's channels
/// are split into `groups` consecutive groups (R, G, B for 3): of C channels, channel c belongs
/// to group ⌊c·groups / C⌋, PyTorch reference's `group_of`. At the kernel centre, i.e. at the
/// pixel itself, output group g may read input groups before g (mask A, the first layer: the R
/// outputs see nothing of the pixel, G sees its R, B its R and G) or groups up to g (mask B, the
/// later layers, whose group-g inputs already exclude sub-pixel g and later). Taps off the centre
/// read every group: those pixels are wholly drawn.
///
/// An LSTM's input-to-state map (PixelRNN's colour Row LSTM and Diagonal BiLSTM) has 4U outputs,
/// the gates o, f, i, g of U state channels one block after another; its outputs are
/// ``outputBlocks`` = 4 blocks, each split into the groups as U channels would be, so that every
/// gate of state channel j is in j's group.
public struct ChannelGroupMask: Hashable, Sendable, CustomStringConvertible {
    /// The number of groups: 3 for R, G, B.
    public let groups: Int
    /// Whether an output group reads its own input group at the centre: mask B, not mask A.
    public let includesOwnGroup: Bool
    /// The output channels are this many equal consecutive blocks, each split into the groups on
    /// its own: 1 for a convolution, 4 for an LSTM's gates.
    public let outputBlocks: Int

    public init(groups: Int, includesOwnGroup: Bool, outputBlocks: Int = 1) {
        precondition(groups >= 1 && outputBlocks >= 1, "ChannelGroupMask: \(groups) groups, \(outputBlocks) output blocks")
        self.groups = groups
        self.includesOwnGroup = includesOwnGroup
        self.outputBlocks = outputBlocks
    }

    /// The group of channel `channel` of `count`: ⌊channel·groups / count⌋.
    @inline(__always)
    public func group(of channel: Int, among count: Int) -> Int { channel * groups / count }

    /// Whether output channel `output` of `outputs` reads input channel `input` of `inputs` at the centre.
    @inline(__always)
    public func connects(output: Int, of outputs: Int, input: Int, of inputs: Int) -> Bool {
        let block = outputs / outputBlocks
        let outputGroup = group(of: output % block, among: block), inputGroup = group(of: input, among: inputs)
        return includesOwnGroup ? inputGroup <= outputGroup : inputGroup < outputGroup
    }

    public var description: String {
        "\(groups) channel groups at the centre\(outputBlocks > 1 ? " in \(outputBlocks) output blocks" : ""), mask \(includesOwnGroup ? "B" : "A")"
    }
}
