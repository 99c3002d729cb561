import TensorCore

/// Which recurrent layer a model is built from, by the name a config file or flag uses.
public enum RecurrentCell: String, Codable, CaseIterable, Sendable {
    /// ``LSTM``: four gates and a cell state.
    case lstm
    /// ``GRU``: three gates, no cell state; a quarter fewer recurrent FLOPs at the same width.
    case gru

    /// A new layer of this kind, parameters drawn as PyTorch draws them.
    public func makeLayer(inputSize: Int, hiddenSize: Int, using generator: inout RandomGenerator) -> any RecurrentLayer {
        switch self {
        case .lstm: return LSTM(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
        case .gru: return GRU(inputSize: inputSize, hiddenSize: hiddenSize, using: &generator)
        }
    }

    /// "LSTM" or "GRU", for logs.
    public var displayName: String { rawValue.uppercased() }
}
