/// Why a text corpus or a vocabulary file could not be read, or a corpus could not be split.
///
/// `description` is one sentence that names the file (and the line, for a vocabulary file) and
/// the problem, so that it can be shown to a person as it is.
public enum TextDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing exists at `path`.
    case fileNotFound(path: String)
    /// The folder at `path` does not exist; `installHint` says which Debian package provides it.
    case folderNotFound(path: String, installHint: String?)
    /// The file exists but could not be opened or read (permission denied, a directory, …).
    case unreadable(path: String, reason: String)
    /// The file could not be written (a vocabulary saved into a run folder).
    case unwritable(path: String, reason: String)
    /// The file has no bytes, or only white space.
    case emptyFile(path: String)
    /// The file has text, but none of it survived tokenization and the length rules.
    case noSentences(path: String, reason: String)
    /// A folder of fortune files holds no fortune file.
    case noFortuneFiles(directory: String)
    /// Line `line` (counting from 1) of a vocabulary file is not what the format allows.
    case malformedVocabulary(path: String, line: Int, reason: String)
    /// Held-out fractions that leave no room for training, or are negative.
    case invalidSplitFractions(validation: Double, test: Double)

    /// The path of the file or folder the error is about, if any.
    public var path: String? {
        switch self {
        case .fileNotFound(let path), .folderNotFound(let path, _), .unreadable(let path, _),
             .unwritable(let path, _), .emptyFile(let path),
             .noSentences(let path, _), .noFortuneFiles(let path), .malformedVocabulary(let path, _, _):
            path
        case .invalidSplitFractions:
            nil
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "Text file \(path) does not exist."
        case .folderNotFound(let path, let hint):
            return "Folder \(path) does not exist" + (hint.map { "; \($0)." } ?? ".")
        case .unreadable(let path, let reason):
            return "\(path) could not be read (\(reason))."
        case .unwritable(let path, let reason):
            return "\(path) could not be written (\(reason))."
        case .emptyFile(let path):
            return "Text file \(path) is empty: it holds no text, only white space or nothing at all."
        case .noSentences(let path, let reason):
            return "Text file \(path) yields no sentences: \(reason)."
        case .noFortuneFiles(let directory):
            return "Fortune folder \(directory) holds no fortune files (text files other than *.dat and *.u8)."
        case .malformedVocabulary(let path, let line, let reason):
            return "Vocabulary file \(path), line \(line): \(reason)."
        case .invalidSplitFractions(let validation, let test):
            return "Validation fraction \(validation) and test fraction \(test) must each be at least 0 "
                + "and together below 1, so that some sentences are left for training."
        }
    }
}
