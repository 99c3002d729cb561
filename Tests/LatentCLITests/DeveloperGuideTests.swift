import Foundation
import XCTest

/// docs/DEVELOPING.md stays true: every file and folder it names exists.
final class DeveloperGuideTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testEveryPathTheGuideNamesExists() throws {
        let guide = try String(contentsOf: Self.root.appendingPathComponent("docs/DEVELOPING.md"), encoding: .utf8)
        // Paths are written in backticks: `Sources/…`, `Tests/…`.
        let pattern = try NSRegularExpression(pattern: "`((?:Sources|Tests|docs)/[^`]+)`")
        let matches = pattern.matches(in: guide, range: NSRange(guide.startIndex..., in: guide))
        let paths = matches.compactMap { Range($0.range(at: 1), in: guide).map { String(guide[$0]) } }
        XCTAssertGreaterThanOrEqual(paths.count, 10, "the guide names its files")
        for path in paths {
            XCTAssert(FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(path).path), "docs/DEVELOPING.md names \(path), which does not exist")
        }
    }
}
