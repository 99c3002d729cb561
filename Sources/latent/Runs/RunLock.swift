import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One writer per run folder: `train` and `--resume` hold an exclusive advisory lock (flock) on
/// RUN/.lock while they run, so two trainings never interleave config.json, the checkpoint and
/// metrics.jsonl. The lock file holds the writer's process id, for the message a second writer
/// gets. The kernel releases the lock when the process ends, however it ends, so a crash leaves
/// no stale lock. Other commands (`eval`, `sample`) do not take it: they read the last complete
/// checkpoint, which is always replaced atomically.
final class RunLock {
    static let fileName = ".lock"
    private let descriptor: Int32

    /// Takes the lock of `folder`, which must exist.
    /// - Throws: a `CommandError` naming the process that holds it.
    init(_ folder: RunFolder) throws {
        let path = folder.url.appendingPathComponent(Self.fileName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CommandError("Cannot open \(path) to claim the run folder: \(String(cString: strerror(errno))).")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.processID(in: descriptor)
            close(descriptor)
            throw CommandError("Run folder \(folder.url.path) is being trained by another process"
                + (holder.map { " (process \($0))" } ?? "") + "; wait for it to finish or stop it first.")
        }
        let text = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit { close(descriptor) }

    /// The process id a lock file holds, if it holds one.
    private static func processID(in descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count - 1, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
