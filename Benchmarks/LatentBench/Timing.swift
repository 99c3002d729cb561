import Foundation

/// Wall-clock timing helpers for the benchmark: medians over repeats, after a warm-up.
enum Timing {
    /// Seconds taken by `body`.
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median of `repeats` timings of `body`, after `warmup` untimed runs.
    static func median(repeats: Int, warmup: Int = 2, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        let times = (0..<repeats).map { _ in seconds(body) }.sorted()
        return times[times.count / 2]
    }

    /// Peak resident memory of this process so far, in MiB (VmHWM from /proc/self/status).
    static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kibibytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kibibytes / 1024
    }
}

/// Prints aligned table rows.
func printRow(_ columns: [String], widths: [Int]) {
    print(zip(columns, widths).map { column, width in
        column.count >= width ? column : String(repeating: " ", count: width - column.count) + column
    }.joined(separator: "  "))
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }
