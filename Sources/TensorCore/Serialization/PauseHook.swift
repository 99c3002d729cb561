import Foundation

/// Pause points for crash-consistency tests. When the environment variable `LATENT_PAUSE_AT` is
/// `STAGE:N`, the N-th time the process reaches `STAGE` it writes "paused at STAGE" to standard
/// error and waits to be killed, so a test can kill it exactly there. Without the variable,
/// reaching a stage costs one comparison.
public enum PauseHook {
    nonisolated(unsafe) private static var remaining: (stage: Substring, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["LATENT_PAUSE_AT"] else { return nil }
        let parts = value.split(separator: ":")
        return (parts[0], parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()

    /// Pauses here when the test asked for the current occurrence of `stage`.
    public static func reach(_ stage: String) {
        guard let target = remaining, target.stage == stage else { return }
        guard target.count <= 1 else {
            remaining = (target.stage, target.count - 1)
            return
        }
        FileHandle.standardError.write(Data("paused at \(stage)\n".utf8))
        while true { sleep(60) }
    }
}
