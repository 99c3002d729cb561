import Foundation

/// Where a run's data live, as config.json records them: a named data set ("fashion-mnist",
/// "fortunes") as it is, a path as an absolute one, so a run opens from any directory.
enum DataPath {
    static let namedDataSets: Set<String> = ["fashion-mnist", "fortunes"]

    /// The form config.json stores for `--data` (or another data file flag) as typed.
    static func stored(_ typed: String) -> String {
        namedDataSets.contains(typed) ? typed : URL(fileURLWithPath: typed).standardizedFileURL.path
    }

    /// A path read from an older run's config.json, which stored `--data` as typed: a relative path
    /// is resolved against the current directory when it exists there, else against the run
    /// folder's parent (where the run was most likely started).
    static func resolved(_ recorded: String, runFolder: URL) -> String {
        guard !namedDataSets.contains(recorded), !recorded.hasPrefix("/") else { return recorded }
        if FileManager.default.fileExists(atPath: recorded) { return stored(recorded) }
        let besideRun = runFolder.deletingLastPathComponent().appendingPathComponent(recorded).standardizedFileURL
        return FileManager.default.fileExists(atPath: besideRun.path) ? besideRun.path : recorded
    }
}
