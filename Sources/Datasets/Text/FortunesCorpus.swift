import Foundation

/// The default text corpus: sentences from Debian's `fortunes` package, built exactly as the
/// reference script `corpus_fortunes.py` builds them.
///
/// The pipeline, step for step:
/// 1. every regular file under the folder, sorted by path, skipping `*.dat` and `*.u8` (index
///    files, and links to the text files), symbolic links, and folders named `off` (offensive
///    fortunes, absent from the plain package);
/// 2. decoded as UTF-8 with U+FFFD for invalid bytes; overstrikes ("x" + backspace, used for
///    underlining and bold in a few files) removed;
/// 3. entries are separated by lines holding only "%"; an entry's lines are trimmed and joined
///    with spaces (attributions such as "-- Mark Twain" included);
/// 4. white space collapsed, and the entry cut into sentences after ".", "!" or "?" followed by
///    white space;
/// 5. each sentence lowercased and tokenized by `Tokenizer(rule: .pattern, lowercases: true)`;
/// 6. sentences of 3 to 40 tokens kept, duplicates dropped (the first occurrence stays);
/// 7. shuffled with Python's `random.Random(1234).shuffle` (reproduced by `PythonRandom`) and
///    split 90/5/5 into training, validation and test, each in shuffled order.
///
/// With the package of Debian 12 (fortunes 1:1.99.1-7.3) this gives 43 files, 15,217 entries,
/// 38,522 raw sentences and 31,436 kept: 28,292 training, 1,571 validation and 1,573 test
/// sentences, the very lines the reference writes to its train/valid/test files. Building it
/// takes about 0.4 s in a release build (3.7 s in a debug build).
public struct FortunesCorpus: Sendable {
    /// Where Debian's `fortunes` package installs the fortune files.
    public static let defaultDirectory = URL(fileURLWithPath: "/usr/share/games/fortunes", isDirectory: true)
    /// The reference script's default seed.
    public static let defaultSeed: UInt64 = 1234
    /// Sentence lengths kept, in tokens: the reference's defaults.
    public static let defaultLengthRange = 3...40
    /// How every sentence is cut: the reference's pattern rule on lowercased text.
    public static let tokenizer = Tokenizer(rule: .pattern, lowercases: true)
    /// What to tell someone whose fortune folder is missing.
    static let installHint = "`apt-get install fortunes` provides it"

    /// The three splits.
    public let splits: SentenceCorpus
    /// The fortune files read, in the order read.
    public let files: [URL]
    /// Entries (the text between "%" lines) over all files.
    public let entryCount: Int
    /// Sentences before the length rule and deduplication.
    public let rawSentenceCount: Int

    /// Sentences kept: the three splits together.
    public var keptSentenceCount: Int { splits.training.count + splits.validation.count + splits.test.count }

    /// Builds the corpus from the fortune files in `directory`.
    ///
    /// - Parameters:
    ///   - directory: `/usr/share/games/fortunes` unless given.
    ///   - seed: the seed of the Python-compatible shuffle; 1234 reproduces the reference files.
    ///   - lengthRange: sentence lengths kept, in tokens.
    /// - Throws: `TextDataError` when the folder is missing, is not a folder, holds no fortune
    ///   file, or a file cannot be read.
    public init(directory: URL = FortunesCorpus.defaultDirectory, seed: UInt64 = FortunesCorpus.defaultSeed,
                lengthRange: ClosedRange<Int> = FortunesCorpus.defaultLengthRange) throws(TextDataError) {
        let files = try Self.fortuneFiles(in: directory)
        let tokenizer = Self.tokenizer
        var entryCount = 0, rawSentenceCount = 0
        var seen = Set<ExactText>()
        var sentences: [[String]] = []
        for file in files {
            let text = Self.removingOverstrikes(try TextFile.scalars(at: file, keepByteOrderMark: true))
            for entry in Self.entries(of: text) {
                entryCount += 1
                let pieces = SentenceSplitting.splitAfterTerminators(collapsingWhiteSpace(entry))
                rawSentenceCount += pieces.count
                for piece in pieces {
                    let tokens = tokenizer.tokens(of: piece)
                    guard lengthRange.contains(tokens.count) else { continue }
                    if seen.insert(ExactText(tokens.joined(separator: " "))).inserted {
                        sentences.append(tokens)
                    }
                }
            }
        }
        var random = PythonRandom(seed: seed)
        random.shuffle(&sentences)
        // int(0.9 * n) and int(0.05 * n) in Python: the same double arithmetic, truncated.
        let trainingCount = Int(0.9 * Double(sentences.count))
        let validationCount = Int(0.05 * Double(sentences.count))
        splits = SentenceCorpus(
            training: Array(sentences[..<trainingCount]),
            validation: Array(sentences[trainingCount..<(trainingCount + validationCount)]),
            test: Array(sentences[(trainingCount + validationCount)...]))
        self.files = files
        self.entryCount = entryCount
        self.rawSentenceCount = rawSentenceCount
    }

    /// The fortune files under `directory`, sorted by path as Python sorts strings.
    static func fortuneFiles(in directory: URL) throws(TextDataError) -> [URL] {
        var root = directory.path
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        // The folder itself may be a link, which os.walk follows; links inside it are skipped.
        switch fileKind(root, followingLinks: true) {
        case nil: throw .folderNotFound(path: root, installHint: installHint)
        case .directory?: break
        default: throw .unreadable(path: root, reason: "it is not a folder")
        }
        var paths: [String] = []
        try collectFiles(in: root, into: &paths)
        guard !paths.isEmpty else { throw .noFortuneFiles(directory: root) }
        return paths.sorted(by: precedesByCodePoint).map { URL(fileURLWithPath: $0, isDirectory: false) }
    }

    private enum FileKind { case directory, regular, other }

    /// What is at `path`; nil if nothing. Unless `followingLinks`, a link is not followed and
    /// counts as `other`.
    private static func fileKind(_ path: String, followingLinks: Bool = false) -> FileKind? {
        var status = stat()
        guard (followingLinks ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .regular
        default: return .other
        }
    }

    /// `os.walk` without following links, pruning folders named "off".
    private static func collectFiles(in folder: String, into paths: inout [String]) throws(TextDataError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            throw .unreadable(path: folder, reason: "its entries could not be listed")
        }
        for name in names {
            let path = folder == "/" ? "/" + name : folder + "/" + name
            switch fileKind(path) {
            case .directory?:
                if name != "off" { try collectFiles(in: path, into: &paths) }
            case .regular?:
                if !name.hasSuffix(".dat") && !name.hasSuffix(".u8") { paths.append(path) }
            default:
                continue
            }
        }
    }

    /// Removes "x" + backspace pairs until none is left, as the reference's repeated
    /// `re.sub(r"[^\x08]\x08", "", text)` does; backspaces that cannot pair (at the start of the
    /// text or after another backspace once no pair is left) are then deleted alone.
    static func removingOverstrikes(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = text
        let backspace: Unicode.Scalar = "\u{08}"
        while text.contains(backspace) {
            // One pass of re.sub: leftmost, non-overlapping matches of a two-character pattern.
            var next: [Unicode.Scalar] = []
            next.reserveCapacity(text.count)
            var index = 0
            while index < text.count {
                if index + 1 < text.count, text[index] != backspace, text[index + 1] == backspace {
                    index += 2
                } else {
                    next.append(text[index])
                    index += 1
                }
            }
            if next == text { return text.filter { $0 != backspace } }
            text = next
        }
        return text
    }

    /// The entries of a fortune file: text between lines that hold only "%", each line trimmed
    /// and the lines joined with spaces.
    ///
    /// Counted as the reference counts them: a run of lines before a "%" is an entry even when
    /// every line is blank (it then yields one empty raw sentence), but the lines after the last
    /// "%" are an entry only if one of them has text.
    static func entries(of text: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var entries: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var lineCount = 0, hasText = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = trimmingWhiteSpace(line)
            if trimmed.count == 1, trimmed.first == "%" {
                if lineCount > 0 { entries.append(current) }
                current = []
                lineCount = 0
                hasText = false
            } else {
                if lineCount > 0 { current.append(" ") }
                current.append(contentsOf: trimmed)
                lineCount += 1
                hasText = hasText || !trimmed.isEmpty
            }
        }
        if hasText { entries.append(current) }
        return entries
    }
}
