/// How the text of a file is cut into sentences before tokenization.
public enum SentenceSplitting: String, Sendable, Equatable, Codable, CaseIterable {
    /// Each line is one sentence (the default, and the layout of the reference's split files
    /// and the Penn Treebank), trimmed; lines that hold only white space are skipped. Lines end
    /// at "\n"; a "\r" before it is white space, so Windows line ends need no special care.
    case lines
    /// Running prose: a paragraph (lines up to a blank line) has its white space collapsed and is
    /// cut after ".", "!" or "?" followed by white space, the rule of `corpus_fortunes.py`. A
    /// blank line always ends a sentence, so a title without a full stop does not run into the
    /// paragraph under it.
    case runningText = "running-text"

    /// The sentences of `text`, in order, as code points; never an empty or all-space sentence.
    func sentences(in text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        switch self {
        case .lines:
            return text.split(separator: "\n", omittingEmptySubsequences: true)
                .map(trimmingWhiteSpace)
                .filter { !$0.isEmpty }
                .map(Array.init)
        case .runningText:
            return Self.paragraphs(of: text).flatMap { paragraph in
                Self.splitAfterTerminators(collapsingWhiteSpace(paragraph))
                    .filter { !$0.isEmpty }
            }
        }
    }

    /// The sentences of `text`, in order; never an empty or all-space sentence.
    public func sentences(in text: String) -> [String] {
        sentences(in: Array(text.unicodeScalars)).map(makeString)
    }

    /// `re.split(r"(?<=[.!?])\s+", text)`: the pieces of `text` between runs of white space that
    /// follow ".", "!" or "?".
    ///
    /// As in Python, a match at the very end leaves an empty last piece, and `text` without a
    /// match is one piece (empty text gives one empty piece); callers that count raw sentences the
    /// way the reference does rely on that.
    static func splitAfterTerminators(_ text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var pieces: [[Unicode.Scalar]] = []
        var start = 0
        var index = 0
        while index < text.count {
            // A run of white space can only start a match where the character before it is a
            // terminator; inside a run the character before is space, so the leftmost match
            // always takes the whole run, as the greedy \s+ does.
            if text[index].isPythonSpace, index > 0, isTerminator(text[index - 1]) {
                pieces.append(Array(text[start..<index]))
                while index < text.count, text[index].isPythonSpace { index += 1 }
                start = index
            } else {
                index += 1
            }
        }
        pieces.append(Array(text[start...]))
        return pieces
    }

    private static func isTerminator(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == "!" || scalar == "?"
    }

    /// Groups lines into paragraphs, a paragraph ending at a line that holds only white space.
    private static func paragraphs(of text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var paragraphs: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isPythonSpace) {
                if !current.isEmpty { paragraphs.append(current) }
                current = []
            } else {
                current.append(contentsOf: line)
                current.append(" ")
            }
        }
        if !current.isEmpty { paragraphs.append(current) }
        return paragraphs
    }
}

/// Python's `" ".join(text.split())`: white-space runs become one space, none at either end.
func collapsingWhiteSpace(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    result.reserveCapacity(text.count)
    var pendingSpace = false
    for scalar in text {
        if scalar.isPythonSpace {
            pendingSpace = !result.isEmpty
        } else {
            if pendingSpace { result.append(" ") }
            pendingSpace = false
            result.append(scalar)
        }
    }
    return result
}

/// Python's `str.strip()`: `text` without white space at either end.
func trimmingWhiteSpace(_ text: ArraySlice<Unicode.Scalar>) -> ArraySlice<Unicode.Scalar> {
    guard let first = text.firstIndex(where: { !$0.isPythonSpace }),
          let last = text.lastIndex(where: { !$0.isPythonSpace }) else { return text[text.endIndex...] }
    return text[first...last]
}
