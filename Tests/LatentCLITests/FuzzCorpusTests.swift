import Foundation
import FuzzTargets
import XCTest

/// The fuzzers' corpus, every input that ever crashed a parser included, replayed through the
/// parsers as an ordinary test: each input must be answered (with an error, usually), never
/// trap. `scripts/fuzz.sh` grows Fuzz/Corpus and writes crashing inputs to Fuzz/Crashes.
final class FuzzCorpusTests: XCTestCase {
    static let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz")

    func inputs(_ folder: String, _ target: String) -> [URL] {
        let directory = Self.fuzz.appendingPathComponent(folder).appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().map { directory.appendingPathComponent($0) }
    }

    func testEveryCorpusAndCrashInputIsAnswered() throws {
        for (name, target) in FuzzTargets.all.sorted(by: { $0.key < $1.key }) {
            let corpus = inputs("Corpus", name)
            XCTAssertFalse(corpus.isEmpty, "Fuzz/Corpus/\(name) has no inputs")
            for input in corpus + inputs("Crashes", name) {
                target(try Data(contentsOf: input))
            }
        }
    }
}
