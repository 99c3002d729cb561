import GenerativeModels

extension BetaSchedule {
    /// The schedule that `--beta`, `--beta-schedule`, `--beta-steps` and `--beta-slope` describe,
    /// for every training command that has a KL term, each flag checked.
    static func fromFlags(maximum: Float, schedule: String, steps: Int, slope: Float) throws -> BetaSchedule {
        guard maximum >= 0 else { throw CommandError("--beta must not be negative, not \(maximum).") }
        guard steps >= 1 else { throw CommandError("--beta-steps must be at least 1, not \(steps).") }
        switch schedule {
        case "constant": return .constant(maximum)
        case "linear": return .linear(maximum: maximum, steps: steps)
        case "sigmoid": return .sigmoid(maximum: maximum, midpoint: steps, slope: slope)
        case "cyclical": return .cyclical(maximum: maximum, period: steps, rampFraction: 0.5)
        default: throw CommandError("--beta-schedule must be constant, linear, sigmoid or cyclical, not '\(schedule)'.")
        }
    }
}
