/// Class labels read from an idx1 file, e.g. MNIST's `train-labels-idx1-ubyte`.
public struct IDXLabels: Sendable, Equatable {
    /// One label per example; 0...9 in MNIST and Fashion-MNIST.
    public let labels: [UInt8]

    /// Number of labels.
    public var count: Int { labels.count }

    public init(labels: [UInt8]) {
        self.labels = labels
    }
}
