import Foundation

/// Round values to mark along a plot axis, and their labels: multiples of a step of 1, 2 or 5
/// times a power of ten, chosen so that about `targetCount` of them fall in the axis range.
public struct AxisTicks: Sendable, Equatable {
    /// Distance between neighbouring ticks.
    public let step: Double
    /// The tick positions in increasing order, inside the range (ends included, to within a
    /// millionth of a step).
    public let values: [Double]
    /// One label per value, as short as the step allows: fixed-point with just enough decimals
    /// ("-2", "0.5", "0.25"), or scientific ("1.5e6", "2e-7") when fixed-point would need more
    /// than 5 decimals or 7 integer digits. Always with "." and no grouping, whatever the locale.
    public let labels: [String]

    /// Ticks for `range`, which must be finite and of positive length; `targetCount` below 2 is
    /// taken as 2, which guarantees at least one tick.
    public init(range: ClosedRange<Double>, targetCount: Int = 5) {
        let target = max(targetCount, 2)
        let span = range.upperBound - range.lowerBound
        precondition(span > 0 && span.isFinite, "AxisTicks needs a finite range of positive length, got \(range)")
        let raw = span / Double(target)
        var exponent = Int(log10(raw).rounded(.down))
        let residual = raw / pow(10, Double(exponent))
        // Thresholds at the geometric means of neighbouring choices, so the step nearest the raw
        // one (on a log scale) wins.
        var nice: Double = residual < 1.414 ? 1 : residual < 3.162 ? 2 : residual < 7.071 ? 5 : 10
        if nice == 10 { (nice, exponent) = (1, exponent + 1) }
        let step = nice * pow(10, Double(exponent))

        // Tick k is k·step, computed from k each time so that errors do not accumulate. k stays
        // in Double: for a narrow range far from zero it can exceed Int's range (and even 2⁵³,
        // where k + 1 == k, hence the bounded loop). The step is at most 1.6 × span / target,
        // so with target ≥ 2 there is at least one tick, and never more than about 2 × target + 1.
        // A tick within a millionth of a step outside the range still counts: 1.2e-5 / 1e-6 is
        // 12.000000000000002 in floating point, and the tick at 12 should not be lost for that.
        let slack = 1e-6
        var values: [Double] = []
        var k = (range.lowerBound / step - slack).rounded(.up)
        for _ in 0..<(4 * target + 2) {
            let value = k * step == 0 ? 0 : k * step  // no "-0"
            guard value <= range.upperBound + slack * step else { break }
            if values.last != value { values.append(value) }
            k += 1
        }
        self.step = step
        self.values = values
        self.labels = Self.labels(for: values, stepExponent: exponent)
    }

    /// Labels for `values`, multiples of a step of 1, 2 or 5 × 10^`stepExponent`, all in the
    /// same notation with the precision the step needs. (The exponent is passed rather than
    /// recomputed, since log10 of a rounded power of ten can land just below the integer.)
    static func labels(for values: [Double], stepExponent: Int) -> [String] {
        let largest = values.map(abs).max() ?? 0
        let largestExponent = largest > 0 ? Int(log10(largest).rounded(.down)) : stepExponent
        let decimals = max(0, -stepExponent)
        if decimals <= 5 && largestExponent < 7 {
            return values.map { String(format: "%.*f", decimals, $0) }
        }
        // Scientific: enough mantissa digits to tell neighbouring ticks apart.
        let digits = min(max(0, largestExponent - stepExponent), 6)
        return values.map { value in
            guard value != 0 else { return "0" }
            let text = String(format: "%.*e", digits, value)  // e.g. "1.50e+06"
            guard let e = text.firstIndex(of: "e"), let exponent = Int(text[text.index(after: e)...]) else {
                return text
            }
            return "\(text[..<e])e\(exponent)"
        }
    }
}
