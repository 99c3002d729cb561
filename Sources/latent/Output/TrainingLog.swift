import Foundation

/// Lines about a training on standard error, where progress and epoch summaries go: standard
/// output stays for results a script reads.
enum TrainingLog {
    static func write(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
