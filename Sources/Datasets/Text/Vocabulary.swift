import Foundation

/// The words a text model knows, each with an id: four special tokens, then the training
/// split's words from most to least frequent.
///
/// Ids, fixed for every vocabulary:
///
/// | id | token   | use                                                          |
/// |----|---------|--------------------------------------------------------------|
/// | 0  | `<pad>` | fills batches past a sentence's end; never a model target     |
/// | 1  | `<unk>` | any word not in the vocabulary, and word dropout's stand-in   |
/// | 2  | `<sos>` | the decoder's first input                                     |
/// | 3  | `<eos>` | the decoder's last target                                     |
///
/// This is the reference trainer's layout (`sentence_vae_torch.py`), so its checkpoints'
/// embedding rows and output units line up with these ids. Words follow in descending count,
/// ties broken by code-point order of the token (Python's string order), so the same training
/// sentences always give the same ids.
public struct Vocabulary: Sendable, Equatable {
    public static let padID = 0
    public static let unknownID = 1
    public static let startID = 2
    public static let endID = 3
    /// The special tokens, at ids 0 to 3.
    public static let specialTokens = ["<pad>", "<unk>", "<sos>", "<eos>"]
    /// The file name a run folder keeps its vocabulary under.
    public static let fileName = "vocabulary.txt"

    /// Every token, indexed by id: the specials first.
    public let tokens: [String]
    private let ids: [ExactText: Int]

    /// Number of tokens, specials included: the size of the embedding table and the softmax.
    public var count: Int { tokens.count }

    /// Builds the vocabulary of a training split.
    ///
    /// Occurrences of the special tokens' own spellings in the text are not counted, as in the
    /// reference.
    ///
    /// - Parameters:
    ///   - sentences: the training sentences; validation and test must not be seen here, or
    ///     their unknown-word rate would be understated.
    ///   - minimumCount: a word needs this many occurrences to get an id (2 in the reference:
    ///     words seen once are rare enough that <unk> models them better).
    ///   - maximumSize: the most tokens, specials included; the least frequent words are left
    ///     out. nil for no limit.
    public init(training sentences: [[String]], minimumCount: Int = 2, maximumSize: Int? = nil) {
        precondition(minimumCount >= 1, "Vocabulary: the minimum count must be at least 1, got \(minimumCount)")
        precondition(maximumSize.map { $0 >= Self.specialTokens.count } ?? true,
                     "Vocabulary: the maximum size must leave room for the 4 special tokens, got \(maximumSize ?? 0)")
        let specials = Set(Self.specialTokens.map(ExactText.init))
        var counts: [ExactText: Int] = [:]
        for sentence in sentences {
            for token in sentence {
                let key = ExactText(token)
                if !specials.contains(key) { counts[key, default: 0] += 1 }
            }
        }
        var words = counts.filter { $0.value >= minimumCount }.map { (token: $0.key.string, count: $0.value) }
        words.sort { $0.count != $1.count ? $0.count > $1.count : precedesByCodePoint($0.token, $1.token) }
        if let maximumSize { words = Array(words.prefix(maximumSize - Self.specialTokens.count)) }
        self.init(checkedTokens: Self.specialTokens + words.map(\.token))
    }

    /// A vocabulary with these tokens in this order; they must start with the four specials and
    /// hold no duplicate (by code points).
    private init(checkedTokens tokens: [String]) {
        self.tokens = tokens
        var ids: [ExactText: Int] = [:]
        ids.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() { ids[ExactText(token)] = id }
        self.ids = ids
    }

    /// The id of `token`; `<unk>`'s id for a word outside the vocabulary.
    ///
    /// The spellings `<pad>`, `<sos>` and `<eos>` in text also map to `<unk>`: as words they
    /// are unknown, and taking their special ids would turn text into padding or a sentence end.
    /// (The reference maps them to their ids; neither the fortunes corpus nor the Penn Treebank
    /// contains them.) A literal `<unk>`, as the Penn Treebank writes rare words, is `<unk>`.
    public func id(of token: String) -> Int {
        guard let id = ids[ExactText(token)], id >= Self.specialTokens.count || id == Self.unknownID else {
            return Self.unknownID
        }
        return id
    }

    /// The token with id `id`.
    public func token(for id: Int) -> String {
        precondition(id >= 0 && id < count, "Vocabulary: id \(id) is outside 0..<\(count)")
        return tokens[id]
    }

    /// The ids of a sentence's tokens (no <sos> or <eos> added).
    public func encode(_ sentence: [String]) -> [Int] { sentence.map(id(of:)) }

    /// The ids of every sentence.
    public func encode(_ sentences: [[String]]) -> [[Int]] { sentences.map(encode) }

    /// The tokens of `ids`, stopping before the first <eos> and skipping <sos> and <pad>: the
    /// words of a decoded sentence.
    public func decode(_ ids: [Int]) -> [String] {
        var words: [String] = []
        for id in ids {
            if id == Self.endID { break }
            if id == Self.startID || id == Self.padID { continue }
            words.append(token(for: id))
        }
        return words
    }

    /// The fraction of tokens in `sentences` that map to <unk>, for logs: 0 when there are none.
    public func unknownRate(in sentences: [[String]]) -> Double {
        var total = 0, unknown = 0
        for sentence in sentences {
            total += sentence.count
            for token in sentence where id(of: token) == Self.unknownID { unknown += 1 }
        }
        return total == 0 ? 0 : Double(unknown) / Double(total)
    }
}

// MARK: - The vocabulary file

extension Vocabulary {
    /// Writes the vocabulary as UTF-8 text, one token per line in id order, each line ending in
    /// "\n"; line n holds the token with id n − 1.
    ///
    /// Plain text rather than JSON so a person can read ids off with `sed -n`, and because
    /// tokens never contain white space, one per line is unambiguous. The file is written to a
    /// temporary name and renamed, so a crash leaves the old file or the new one, never half.
    ///
    /// - Throws: `TextDataError.unwritable` naming the file when it cannot be written.
    public func write(to url: URL) throws(TextDataError) {
        try TextFile.writeAtomically(Array(tokens.map { $0 + "\n" }.joined().utf8), to: url)
    }

    /// Reads a file written by `write(to:)`, strictly.
    ///
    /// - Throws: `TextDataError` naming the file, and the line where one is at fault: a missing,
    ///   unreadable or empty file; bytes that are not UTF-8; a blank line; a token with white
    ///   space in it; the four special tokens not on lines 1 to 4; a special token or any other
    ///   token repeated.
    public static func load(from url: URL) throws(TextDataError) -> Vocabulary {
        let path = url.path
        let bytes = try TextFile.bytes(at: path)
        guard !bytes.isEmpty else { throw .emptyFile(path: path) }
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The file ends with "\n", which leaves one empty piece after the last line.
        if lines.last?.isEmpty == true { lines.removeLast() }
        var tokens: [String] = []
        var firstLine: [ExactText: Int] = [:]
        for (index, bytes) in lines.enumerated() {
            let line = index + 1
            func fail(_ reason: String) -> TextDataError { .malformedVocabulary(path: path, line: line, reason: reason) }
            guard let token = String(validating: bytes, as: UTF8.self) else {
                throw fail("the bytes are not valid UTF-8")
            }
            guard !token.isEmpty else { throw fail("the line is blank, but every line must hold one token") }
            if token.unicodeScalars.contains(where: \.isPythonSpace) {
                throw fail("the token \(quoted(token)) contains white space, which no token can")
            }
            if index < specialTokens.count, token != specialTokens[index] {
                throw fail("expected the special token \(specialTokens[index]) (ids 0–3 are "
                    + "\(specialTokens.joined(separator: " ")) in that order), found \(quoted(token))")
            }
            if let earlier = firstLine[ExactText(token)] {
                throw fail("the token \(quoted(token)) already appears on line \(earlier)")
            }
            firstLine[ExactText(token)] = line
            tokens.append(token)
        }
        guard tokens.count >= specialTokens.count else {
            throw .malformedVocabulary(path: path, line: tokens.count + 1,
                                       reason: "the file ends after \(tokens.count) of the 4 special tokens")
        }
        return Vocabulary(checkedTokens: tokens)
    }
}

/// A token in quotes, with invisible characters spelled out so the message shows what is there.
private func quoted(_ token: String) -> String {
    let visible = token.unicodeScalars.map { scalar -> String in
        scalar.value < 0x20 || scalar.value == 0x7F || (scalar.properties.isWhitespace && scalar != " ")
            ? "U+" + String(scalar.value, radix: 16, uppercase: true) : String(scalar)
    }.joined()
    return "“\(visible)”"
}
