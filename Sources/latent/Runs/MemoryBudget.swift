import Foundation

/// The memory this process may use: the smaller of the kernel's MemAvailable and the memory limit
/// of its cgroup (v2 `memory.max`, or v1 `memory.limit_in_bytes`). Estimates of what a command
/// needs (`MemoryEstimate` in GenerativeModels) are checked against it before anything is allocated.
enum MemoryBudget {
    /// Bytes, or nil where neither source can be read (then nothing is refused).
    static let available: Int? = {
        let limits = [memAvailable(), cgroupLimit("/sys/fs/cgroup/memory.max"),
                      cgroupLimit("/sys/fs/cgroup/memory/memory.limit_in_bytes")].compactMap { $0 }
        return limits.min()
    }()

    /// Refuses `what` when it needs more than this process may use.
    static func check(_ bytes: Int, for what: String, remedy: String) throws {
        guard let available, bytes > available else { return }
        throw CommandError("\(what) needs about \(gibibytes(bytes)) of memory, but this process may use \(gibibytes(available)) "
            + "(the smaller of MemAvailable and the cgroup's limit); \(remedy).")
    }

    static func gibibytes(_ bytes: Int) -> String {
        let value = Double(bytes) / Double(1 << 30)
        return value >= 1e6 ? String(format: "%.1e GiB", value) : String(format: "%.1f GiB", value)
    }

    private static func memAvailable() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    private static func cgroupLimit(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes < 1 << 60 else { return nil }
        return bytes
    }
}
