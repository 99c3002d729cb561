import Foundation

/// The weight β(t) on the KL term as training proceeds, by optimizer step t.
public enum BetaSchedule: Equatable, Sendable {
    /// β(t) = value.
    case constant(Float)
    /// Linear warm-up from 0 to `maximum` over `steps`, then constant.
    case linear(maximum: Float, steps: Int)
    /// Bowman et al.'s logistic annealing: β(t) = maximum / (1 + e^(−slope·(t − midpoint))).
    case sigmoid(maximum: Float, midpoint: Int, slope: Float)
    /// Cyclical annealing (Fu et al. 2019): within each cycle of `period` steps, a linear rise to
    /// `maximum` over the first `rampFraction` of it, then constant.
    case cyclical(maximum: Float, period: Int, rampFraction: Float)

    public func value(atStep step: Int) -> Float {
        switch self {
        case .constant(let value):
            return value
        case .linear(let maximum, let steps):
            return steps <= 0 ? maximum : maximum * Swift.min(1, Float(step) / Float(steps))
        case .sigmoid(let maximum, let midpoint, let slope):
            return maximum / (1 + Float(Foundation.exp(Double(-slope * Float(step - midpoint)))))
        case .cyclical(let maximum, let period, let rampFraction):
            let position = Float(step % Swift.max(period, 1)) / Float(Swift.max(period, 1))
            return rampFraction <= 0 ? maximum : maximum * Swift.min(1, position / rampFraction)
        }
    }

    /// A short description for logs.
    public var summary: String {
        switch self {
        case .constant(let value): "constant \(value)"
        case .linear(let maximum, let steps): "linear warm-up to \(maximum) over \(steps) steps"
        case .sigmoid(let maximum, let midpoint, let slope): "sigmoid to \(maximum), midpoint step \(midpoint), slope \(slope)"
        case .cyclical(let maximum, let period, let rampFraction): "cyclical to \(maximum), period \(period) steps, ramp \(rampFraction)"
        }
    }
}

extension BetaSchedule: Codable {
    private enum CodingKeys: String, CodingKey { case kind, maximum, steps, midpoint, slope, period, rampFraction }

    /// Written as {"kind": "sigmoid", "maximum": 1, "midpoint": 2500, "slope": 0.0025} and so on.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant(let value):
            try container.encode("constant", forKey: .kind)
            try container.encode(value, forKey: .maximum)
        case .linear(let maximum, let steps):
            try container.encode("linear", forKey: .kind)
            try container.encode(maximum, forKey: .maximum)
            try container.encode(steps, forKey: .steps)
        case .sigmoid(let maximum, let midpoint, let slope):
            try container.encode("sigmoid", forKey: .kind)
            try container.encode(maximum, forKey: .maximum)
            try container.encode(midpoint, forKey: .midpoint)
            try container.encode(slope, forKey: .slope)
        case .cyclical(let maximum, let period, let rampFraction):
            try container.encode("cyclical", forKey: .kind)
            try container.encode(maximum, forKey: .maximum)
            try container.encode(period, forKey: .period)
            try container.encode(rampFraction, forKey: .rampFraction)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let maximum = try container.decode(Float.self, forKey: .maximum)
        switch kind {
        case "constant": self = .constant(maximum)
        case "linear": self = .linear(maximum: maximum, steps: try container.decode(Int.self, forKey: .steps))
        case "sigmoid":
            self = .sigmoid(maximum: maximum, midpoint: try container.decode(Int.self, forKey: .midpoint),
                            slope: try container.decode(Float.self, forKey: .slope))
        case "cyclical":
            self = .cyclical(maximum: maximum, period: try container.decode(Int.self, forKey: .period),
                             rampFraction: try container.decode(Float.self, forKey: .rampFraction))
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown β schedule '\(kind)'")
        }
    }
}
