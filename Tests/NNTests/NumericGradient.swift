import TensorCore

/// Central-difference gradient checking in Float32, for layers built from several ops.
///
/// The same approach as TensorCoreTests' `GradientChecker` (which this target cannot see), but
/// over a whole loss closure: each element of each variable is nudged by ±step and the change of
/// the loss compared with what `backward()` says.
enum NumericGradient {
    /// Float32 has ~7 digits: a step of 1e-3 keeps the rounding error of (L₊ − L₋)/2h near 1e-4
    /// for losses of order one, and the truncation error O(h²) below that.
    static let step: Float = 1e-3
    static let relativeTolerance: Double = 1e-2
    static let absoluteTolerance: Double = 2e-3

    /// The elements where analytic and numeric gradients disagree, described; empty when all agree.
    ///
    /// - Parameters:
    ///   - variables: leaves that `requiresGradient`, named for the messages.
    ///   - loss: builds a scalar from the variables' current values; called once with recording
    ///     and twice per element without.
    static func mismatches(of variables: [(name: String, tensor: Tensor)], loss: () -> Tensor) -> [String] {
        let gradients = loss().backward()
        var found: [String] = []
        for (name, variable) in variables {
            // A variable the loss does not reach has gradient zero, which the differences must confirm.
            let analytic = gradients[variable]?.scalars ?? [Float](repeating: 0, count: variable.elementCount)
            for element in 0..<variable.elementCount {
                let original = variable.withUnsafeBufferPointer { $0[element] }
                func evaluate(at value: Float) -> Double {
                    variable.withUnsafeMutableBufferPointer { $0[element] = value }
                    return Double(withoutGradients { loss().scalar })
                }
                let numeric = (evaluate(at: original + step) - evaluate(at: original - step)) / Double(2 * step)
                variable.withUnsafeMutableBufferPointer { $0[element] = original }
                let exact = Double(analytic[element])
                let tolerance = absoluteTolerance + relativeTolerance * max(abs(numeric), abs(exact))
                if abs(numeric - exact) > tolerance {
                    found.append("\(name)[\(element)]: analytic \(exact), numeric \(numeric)")
                }
            }
        }
        return found
    }
}
