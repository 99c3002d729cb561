import Foundation

/// Text and numbers as the SVG and HTML that Latent writes spell them.
public enum MarkupText {
    /// A coordinate with at most two decimals and no trailing zeros ("12", "12.5", "12.25"): a
    /// hundredth of a pixel is invisible, and short numbers keep a 10,000-point SVG small. Formatted
    /// by hand so that no locale can turn the decimal point into a comma.
    public static func number(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.toNearestOrAwayFromZero))
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths) / 100, fraction = abs(hundredths) % 100
        switch fraction {
        case 0: return "\(sign)\(whole)"
        case let f where f % 10 == 0: return "\(sign)\(whole).\(f / 10)"
        case let f: return "\(sign)\(whole).\(f < 10 ? "0" : "")\(f)"
        }
    }

    /// `text` made safe as XML or HTML character data or a quoted attribute value: the five
    /// special characters become entities, and characters XML 1.0 forbids (most control
    /// characters) become U+FFFD, so that a class name or a path read from a file cannot break
    /// the document.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
