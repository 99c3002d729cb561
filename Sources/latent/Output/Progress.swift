import Foundation

/// Progress of long work: a live bar redrawn in place on a terminal, plain periodic lines otherwise
/// (a log file or CI output should not fill with carriage returns).
final class Progress {
    private let title: String
    private let total: Int
    private let interactive = isatty(STDERR_FILENO) == 1
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let plainInterval: TimeInterval

    init(title: String, total: Int, plainInterval: TimeInterval = 10) {
        self.title = title
        self.total = max(total, 1)
        self.plainInterval = plainInterval
    }

    /// Reports `done` units, with `rate` (units per second, as the caller counts them) and a status.
    func update(done: Int, examplesPerSecond: Double, status: String) {
        let now = Date()
        let finished = done >= total
        guard finished || now.timeIntervalSince(lastDraw) >= (interactive ? 0.1 : plainInterval) else { return }
        lastDraw = now
        let fraction = Double(done) / Double(total)
        let elapsed = now.timeIntervalSince(start)
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let figures = "\(Int(examplesPerSecond)) ex/s  " + (status.isEmpty ? "" : status + "  ") + "ETA \(Self.clock(remaining))"
        if interactive {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(title) \(bar) \(Int(fraction * 100))%  \(figures)\u{1B}[K".utf8))
            if finished { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            FileHandle.standardError.write(Data("\(title) \(done)/\(total)  \(figures)\n".utf8))
        }
    }

    /// Reports `done` units, with the rate of units since this progress began.
    func update(done: Int, status: String = "") {
        update(done: done, examplesPerSecond: Double(done) / max(Date().timeIntervalSince(start), 1e-9), status: status)
    }

    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
