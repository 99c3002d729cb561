/// The character classes and the lowercasing of Python 3 `str`, on Unicode scalars.
///
/// The reference corpus pipeline (`corpus_fortunes.py`) tokenizes with Python's `re` module on
/// `str.lower()`; matching its sentences and vocabulary token for token means matching Python's
/// definitions, which differ from Swift's `Character` properties in ways that matter here:
///
/// - Python works on code points, Swift's `Character` on grapheme clusters, so "e" followed by a
///   combining acute accent is two tokens in Python ("e" and the accent, which is not `\w`) and
///   must be two here too. Everything in the text layer therefore walks `unicodeScalars`.
/// - `\w` is `str.isalnum()` or "_": letters (Lu, Ll, Lt, Lm, Lo) and every code point with a
///   numeric type (decimal, digit or numeric, e.g. "½" and Roman numerals), but not combining
///   marks.
/// - `\s` is `str.isspace()`: Unicode White_Space plus the four information separators
///   U+001C–U+001F, which Python counts as space (their bidirectional class is B or S).
/// - `str.lower()` applies the full lowercase mapping (so "İ" becomes "i" + U+0307) and the
///   context-dependent final sigma ("ΟΔΟΣ" becomes "οδος").
///
/// The two sides use their own Unicode tables. Checked over all 1,112,064 code points against
/// CPython 3.11.7 (Unicode 14.0) with Swift 6.3: `\s` agrees everywhere, and `\w` and the
/// lowercase mapping agree on every code point assigned in Unicode 14; they differ only on
/// letters assigned later, which Python 3.11 does not know. The fortunes files are almost all
/// ASCII.
extension Unicode.Scalar {
    /// Python's `\w` in a `str` pattern.
    @inline(__always)
    var isPythonWord: Bool {
        if value < 0x80 {
            // ASCII fast path: this runs on every character of every corpus file.
            let byte = UInt8(value)
            return (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return true
        default:
            return properties.numericType != nil
        }
    }

    /// Python's `\s` in a `str` pattern, the same as `str.isspace()`.
    @inline(__always)
    var isPythonSpace: Bool {
        if value < 0x80 {
            // \t \n \v \f \r, the separators 1C–1F, and the space itself.
            return (value >= 0x09 && value <= 0x0D) || (value >= 0x1C && value <= 0x20)
        }
        return properties.isWhitespace
    }
}

/// Python's `str.lower()` of a sequence of code points.
///
/// ASCII letters are mapped directly (the common case); other code points use Unicode's full
/// lowercase mapping, except capital sigma, which becomes final sigma "ς" when a cased letter
/// precedes it and none follows it (case-ignorable code points such as apostrophes are skipped in
/// both directions), exactly as CPython decides.
func pythonLowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(scalars.count)
    for (index, scalar) in scalars.enumerated() {
        if scalar.value < 0x80 {
            let value = scalar.value
            result.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
        } else if scalar.value == 0x03A3 {
            result.append(isFinalSigma(at: index, in: scalars) ? "\u{03C2}" : "\u{03C3}")
        } else {
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
    }
    return result
}

/// The Final_Sigma condition of Unicode's special casing, as CPython tests it.
private func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
    func casedNeighbour(_ indices: some Sequence<Int>) -> Bool {
        for i in indices {
            let properties = scalars[i].properties
            if properties.isCaseIgnorable { continue }
            return properties.isCased
        }
        return false
    }
    return casedNeighbour((0..<index).reversed()) && !casedNeighbour((index + 1)..<scalars.count)
}
