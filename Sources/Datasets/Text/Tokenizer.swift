/// Turns one sentence of text into tokens, as the reference corpus pipeline does.
///
/// The default rule is the regular expression of `corpus_fortunes.py`,
/// `\w+(?:'\w+)*|[^\w\s]`, applied to the (optionally lowercased) text: a token is either a run
/// of word characters with internal ASCII apostrophes kept ("don't", "rock'n'roll"), or any
/// single other character that is not white space ("," "." "’" "$"). An apostrophe that does not
/// sit between word characters is a token of its own ("dogs'" gives "dogs" and "'"). Word and
/// space follow Python's definitions (see `PythonCharacterClasses.swift`), code point by code
/// point, so a combining accent is a token of its own exactly as in the reference.
///
/// The `.whitespace` rule is for text that is already tokenized, such as the reference's split
/// files or the Penn Treebank: tokens are the runs of non-space characters, so markers like
/// `<unk>` stay whole (the pattern rule would cut them into "<", "unk", ">").
public struct Tokenizer: Sendable, Equatable, Codable {
    /// How a sentence is cut into tokens.
    public enum Rule: String, Sendable, Equatable, Codable, CaseIterable {
        /// `\w+(?:'\w+)*|[^\w\s]`, Python semantics: the reference pipeline's rule.
        case pattern
        /// Runs of non-space characters, for pre-tokenized text.
        case whitespace
    }

    public var rule: Rule
    /// Whether text is lowercased (Python's `str.lower()`) before it is cut.
    public var lowercases: Bool

    /// - Parameters:
    ///   - rule: `.pattern` (the reference's rule) unless the text is already tokenized.
    ///   - lowercases: true by default, as in the fortunes corpus and the Penn Treebank text the
    ///     sentence VAE paper used; a model over cased text needs a much larger vocabulary.
    public init(rule: Rule = .pattern, lowercases: Bool = true) {
        self.rule = rule
        self.lowercases = lowercases
    }

    /// The tokens of `text`, in order; empty when it holds only white space.
    public func tokens(in text: String) -> [String] {
        tokens(of: Array(text.unicodeScalars))
    }

    /// The tokens of a sentence given as code points: the form the corpus readers already have.
    func tokens(of scalars: [Unicode.Scalar]) -> [String] {
        let text = lowercases ? pythonLowercased(scalars) : scalars
        switch rule {
        case .pattern: return Self.patternTokens(text)
        case .whitespace: return Self.whitespaceTokens(text)
        }
    }

    /// `re.findall(r"\w+(?:'\w+)*|[^\w\s]", text)`.
    ///
    /// Written as a scan rather than a regular expression because the matching is simple and
    /// must follow Python's classes exactly: at a word character, take the run of word
    /// characters, then as long as an apostrophe is followed by a word character take the
    /// apostrophe and the next run (Python's greedy `(?:'\w+)*` gives the same tokens, since no
    /// backtracking can make a longer match); at any other non-space character, take it alone.
    static func patternTokens(_ text: [Unicode.Scalar]) -> [String] {
        var tokens: [String] = []
        var index = 0
        let end = text.count
        while index < end {
            let scalar = text[index]
            if scalar.isPythonWord {
                let start = index
                index = endOfWordRun(text, from: index)
                while index + 1 < end, text[index] == "'", text[index + 1].isPythonWord {
                    index = endOfWordRun(text, from: index + 1)
                }
                tokens.append(makeString(text[start..<index]))
            } else {
                if !scalar.isPythonSpace { tokens.append(String(Character(scalar))) }
                index += 1
            }
        }
        return tokens
    }

    /// Python's `str.split()`: runs of non-space characters.
    static func whitespaceTokens(_ text: [Unicode.Scalar]) -> [String] {
        var tokens: [String] = []
        var start: Int? = nil
        for (index, scalar) in text.enumerated() {
            if scalar.isPythonSpace {
                if let first = start { tokens.append(makeString(text[first..<index])) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let first = start { tokens.append(makeString(text[first...])) }
        return tokens
    }

    /// The index just past the run of word characters that starts at `index`.
    private static func endOfWordRun(_ text: [Unicode.Scalar], from index: Int) -> Int {
        var position = index
        while position < text.count, text[position].isPythonWord { position += 1 }
        return position
    }
}

/// A `String` holding exactly these code points (no normalization).
///
/// Written as UTF-8 straight into the string's storage: appending scalars to a
/// `String.UnicodeScalarView` took half the time of building the fortunes corpus.
func makeString(_ scalars: some Collection<Unicode.Scalar>) -> String {
    String(unsafeUninitializedCapacity: 4 * scalars.count) { buffer in
        var count = 0
        for scalar in scalars {
            if scalar.value < 0x80 {
                buffer[count] = UInt8(scalar.value)
                count += 1
            } else {
                UTF8.encode(scalar) { unit in
                    buffer[count] = unit
                    count += 1
                }
            }
        }
        return count
    }
}
