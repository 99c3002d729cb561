/// The bounds of every number a run configuration holds, checked where the configuration enters:
/// when config.json is read, and when the flags of a new run are turned into one. A value out of
/// bounds is one ``ConfigurationError/outOfRange(key:flag:value:allowed:)`` that names the
/// config.json key and the flag, so each entry point can speak of the one the user wrote.
///
/// The bounds keep every product of sizes far from overflow and every allocation plausible; the
/// reference models sit well inside them.
public protocol CheckedConfiguration {
    /// Throws for the first value out of bounds.
    func check() throws
}

/// A builder for ``CheckedConfiguration/check()``: one line per value.
public struct ConfigurationCheck {
    public init() {}

    /// An integer in `range`.
    public func integer(_ value: Int, key: String, flag: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw ConfigurationError.outOfRange(key: key, flag: flag, value: "\(value)",
                                                allowed: "from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// An odd integer in `range`: a kernel size with a centre.
    public func oddInteger(_ value: Int, key: String, flag: String, in range: ClosedRange<Int>) throws {
        guard range.contains(value), value % 2 == 1 else {
            throw ConfigurationError.outOfRange(key: key, flag: flag, value: "\(value)",
                                                allowed: "an odd size from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Every integer of a list in `range`, and at least one.
    public func integers(_ values: [Int], key: String, flag: String, in range: ClosedRange<Int>) throws {
        guard !values.isEmpty else {
            throw ConfigurationError.outOfRange(key: key, flag: flag, value: "[]", allowed: "at least one size")
        }
        for value in values { try integer(value, key: key, flag: flag, in: range) }
    }

    /// A finite number of at least `minimum` (more than `minimum` when `exclusive`).
    public func number(_ value: Double, key: String, flag: String, atLeast minimum: Double, exclusive: Bool = false,
                       atMost maximum: Double = .greatestFiniteMagnitude) throws {
        let aboveMinimum = exclusive ? value > minimum : value >= minimum
        guard value.isFinite, aboveMinimum, value <= maximum else {
            let bound = exclusive ? "above \(minimum)" : "at least \(minimum)"
            throw ConfigurationError.outOfRange(key: key, flag: flag, value: "\(value)",
                                                allowed: maximum < .greatestFiniteMagnitude ? "from \(minimum) to \(maximum)" : "a finite number \(bound)")
        }
    }

    /// The image size: each side from 1 to 16,384 and at most 2²⁴ pixels in all.
    public func imageSize(height: Int, width: Int) throws {
        try integer(height, key: "image_height", flag: "--data", in: 1...16_384)
        try integer(width, key: "image_width", flag: "--data", in: 1...16_384)
        try integer(height * width, key: "image_height × image_width", flag: "--data", in: 1...(1 << 24))
    }

    /// What every training shares: batch size, epochs, threads and learning rate.
    public func training(batchSize: Int, epochs: Int, threads: Int, learningRate: Float) throws {
        try integer(batchSize, key: "batch_size", flag: "--batch-size", in: 1...(1 << 20))
        try integer(epochs, key: "epochs", flag: "--epochs", in: 1...1_000_000)
        try integer(threads, key: "threads", flag: "--threads", in: 1...1024)
        try number(Double(learningRate), key: "learning_rate", flag: "--learning-rate", atLeast: 0, exclusive: true)
    }
}
