import Foundation

/// Reads a text file as code points, and writes one atomically, with the errors of
/// `TextDataError`.
enum TextFile {
    /// The file's bytes decoded as UTF-8, each invalid sequence replaced by U+FFFD.
    ///
    /// Replacement rather than failure is the reference pipeline's choice (`errors="replace"`):
    /// a stray Latin-1 byte in a large corpus costs one odd token, not the run. Swift's decoder
    /// replaces each maximal invalid subsequence by one U+FFFD, as Python's does.
    ///
    /// - Parameter keepByteOrderMark: false for a user's file, whose leading U+FEFF (written by
    ///   some Windows editors) is dropped; true for the fortunes pipeline, which keeps whatever
    ///   Python keeps.
    static func scalars(at url: URL, keepByteOrderMark: Bool = false) throws(TextDataError) -> [Unicode.Scalar] {
        let bytes = try bytes(at: url.path)
        var scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        if !keepByteOrderMark, scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        return scalars
    }

    /// Like `scalars(at:)`, but a file with no text at all is an error.
    static func nonEmptyScalars(at url: URL) throws(TextDataError) -> [Unicode.Scalar] {
        let scalars = try scalars(at: url)
        guard scalars.contains(where: { !$0.isPythonSpace }) else { throw .emptyFile(path: url.path) }
        return scalars
    }

    /// The raw bytes, read with stdio so that a failure carries the system's reason.
    static func bytes(at path: String) throws(TextDataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .fileNotFound(path: path)
        }
        if isDirectory.boolValue { throw .unreadable(path: path, reason: "it is a directory") }
        guard let handle = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(handle) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = fread(&chunk, 1, chunk.count, handle)
            result.append(contentsOf: chunk[0..<got])
            if got < chunk.count {
                if ferror(handle) != 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
                return result
            }
        }
    }

    /// Writes `bytes` so that readers see the old file or the complete new one, never part: they
    /// go to a temporary file in the same folder, are flushed to disk, and the file is renamed
    /// over `url` (atomic within one file system). On failure the temporary file is removed and
    /// an existing file is untouched.
    ///
    /// Plain POSIX calls, so that a failure carries the system's short reason ("No such file or
    /// directory") rather than Foundation's prose.
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws(TextDataError) {
        let path = url.path
        let temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else { throw .unwritable(path: path, reason: String(cString: strerror(errno))) }
        var failure: String? = nil
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        // The data must be on disk before the rename publishes it.
        if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        if close(descriptor) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporaryPath, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporaryPath)
            throw .unwritable(path: path, reason: failure)
        }
    }
}
