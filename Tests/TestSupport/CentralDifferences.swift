import TensorCore

/// Central-difference gradient checking in Float32: the one checker every test target uses.
///
/// Each element of each variable is nudged by ±``step`` and the change of a scalar objective is
/// compared with what `backward()` says. The objective is Σ f ⊙ W with fixed uniform(−1, 1)
/// weights W, so every output element contributes with its own weight and a wrong VJP cannot hide
/// behind a uniform upstream gradient. (For a function that is already a scalar, W is one number
/// and only scales both sides.)
public enum CentralDifferences {
    /// Float32 has ~7 digits: a step of 1e-3 keeps the rounding error of (f₊ − f₋)/2h near 1e-4
    /// for objectives of order one, and the truncation error O(h²) below that.
    public static let step: Float = 1e-3
    /// The part of the tolerance that grows with the larger of the two gradients.
    public static let relativeTolerance: Double = 1e-2
    /// The part of the tolerance that stays when both gradients are near zero.
    public static let absoluteTolerance: Double = 2e-3

    /// Descriptions of the elements where analytic and numeric gradients disagree, as
    /// "name[element]: analytic a, numeric n"; empty when all agree.
    ///
    /// An element disagrees when |numeric − exact| > ``absoluteTolerance`` + ``relativeTolerance`` ·
    /// max(|numeric|, |exact|). A variable to which the tape gave no gradient is checked against
    /// zero, so a function that does depend on it is reported.
    ///
    /// - Parameters:
    ///   - variables: leaves that `requiresGradient`, named for the messages. Their values are
    ///     nudged in place and restored.
    ///   - seed: the `RandomGenerator` seed of the projection weights W.
    ///   - function: builds the output from the variables' current values; called once with
    ///     recording, once to learn the output's shape and twice per element without recording.
    public static func mismatches(of variables: [(name: String, tensor: Tensor)], seed: UInt64 = 5,
                                  _ function: () -> Tensor) -> [String] {
        var generator = RandomGenerator(seed: seed)
        let probe = withoutGradients { function() }
        let weights = Tensor.uniform(probe.shape, low: -1, high: 1, using: &generator)
        let weightValues = weights.scalars
        // Summed in Double: a Float32 sum rounds differently at x + h and x − h, and for outputs of
        // magnitude ~10 (a transposed convolution's) that noise, divided by 2h, reached 5e-3.
        func objective() -> Double {
            let values = withoutGradients { function() }.scalars
            return zip(values, weightValues).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let gradients = (function() * weights).sum().backward()

        var found: [String] = []
        for (name, variable) in variables {
            // No gradient from the tape means zero, which the differences must confirm.
            let analytic = gradients[variable]?.scalars ?? [Float](repeating: 0, count: variable.elementCount)
            for element in 0 ..< variable.elementCount {
                let original = variable.withUnsafeBufferPointer { $0[element] }
                variable.withUnsafeMutableBufferPointer { $0[element] = original + step }
                let plus = objective()
                variable.withUnsafeMutableBufferPointer { $0[element] = original - step }
                let minus = objective()
                variable.withUnsafeMutableBufferPointer { $0[element] = original }
                let numeric = (plus - minus) / Double(2 * step)
                let exact = Double(analytic[element])
                if Swift.abs(numeric - exact) > absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(numeric), Swift.abs(exact)) {
                    found.append("\(name)[\(element)]: analytic \(exact), numeric \(numeric)")
                }
            }
        }
        return found
    }
}
