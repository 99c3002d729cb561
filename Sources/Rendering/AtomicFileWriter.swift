import Foundation
import TensorCore

/// Writes a file so that readers see either the old file or the complete new one, never a
/// half-written PNG or report: the bytes go to a temporary file in the same directory, which is
/// then renamed over the target (rename is atomic within one file system).
public enum AtomicFileWriter {
    /// Writes `data` to `url` atomically.
    ///
    /// - Parameter pauseStage: for crash tests, the ``PauseHook`` stage reached as
    ///   "STAGE-temporary-written" once the temporary file is complete and before the rename.
    /// - Throws: `ImageError.writeFailed` naming the file and the system's reason.
    public static func write(_ data: Data, to url: URL, pauseStage: String? = nil) throws(ImageError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temporaryPath = (directory as NSString)
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")

        // Plain POSIX calls, so that failures come with the system's own short reason
        // ("No such file or directory") rather than Foundation's longer prose.
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw .writeFailed(path: path, reason: lastErrorReason())
        }
        var failure: String?
        data.withUnsafeBytes { buffer in
            // An empty buffer may have no address; there is nothing to write then anyway.
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = lastErrorReason()
                    return
                }
                offset += written
            }
        }
        if close(descriptor) != 0, failure == nil {
            failure = lastErrorReason()
        }
        if failure == nil, let pauseStage { PauseHook.reach(pauseStage + "-temporary-written") }
        if failure == nil, rename(temporaryPath, path) != 0 {
            failure = lastErrorReason()
        }
        if let failure {
            unlink(temporaryPath)
            throw .writeFailed(path: path, reason: failure)
        }
    }

    private static func lastErrorReason() -> String {
        String(cString: strerror(errno))
    }
}
