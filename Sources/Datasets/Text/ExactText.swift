/// A string compared and hashed by its code points, as Python compares strings.
///
/// Swift's `String` equality is canonical equivalence: "Å" (U+00C5) equals the Ångström sign
/// (U+212B), and "é" equals "e" + U+0301. Python treats those as different strings, so the
/// reference counts, deduplicates and looks up tokens and sentences by code points; a
/// `Dictionary<String, …>` here would merge what the reference keeps apart. Tokens and sentences
/// go through this key wherever identity matters (counting, deduplication, lookup).
struct ExactText: Hashable, Sendable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool {
        lhs.string.utf8.elementsEqual(rhs.string.utf8)
    }

    func hash(into hasher: inout Hasher) {
        // Native strings hand out their UTF-8 bytes in place; a bridged one is copied first.
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            var copy = string
            copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

/// Python's string order: by code point, which is the order of the UTF-8 bytes.
func precedesByCodePoint(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
