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

    /// The median timing of each of `bodies` over `repeats` rounds, each round running every body
    /// once in turn (after `warmup` such rounds): on a shared, noisy machine, alternatives timed
    /// side by side see the same conditions. Also the median over rounds of each body's time
    /// divided by the first body's.
    static func interleavedMedians(repeats: Int, warmup: Int = 1, _ bodies: [() -> Void]) -> (medians: [Double], ratios: [Double]) {
        for _ in 0..<warmup { for body in bodies { body() } }
        let rounds = (0..<repeats).map { _ in bodies.map { seconds($0) } }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return (bodies.indices.map { index in median(rounds.map { $0[index] }) },
                bodies.indices.map { index in median(rounds.map { $0[index] / $0[0] }) })
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
