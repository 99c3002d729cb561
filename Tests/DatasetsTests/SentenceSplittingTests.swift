@testable import Datasets
import XCTest

/// Sentence splitting against Python's `re.split(r"(?<=[.!?])\s+", s)` (expected pieces printed
/// by CPython 3.11.7), and the two file layouts.
final class SentenceSplittingTests: XCTestCase {
    private func split(_ text: String) -> [String] {
        SentenceSplitting.splitAfterTerminators(Array(text.unicodeScalars)).map(makeString)
    }

    func testSplitsAfterTerminatorsFollowedBySpace() {
        XCTAssertEqual(split("Hi. There! Yes? No"), ["Hi.", "There!", "Yes?", "No"])
        XCTAssertEqual(split("Mr. Smith went.  Then\nleft!"), ["Mr.", "Smith went.", "Then\nleft!"])
        XCTAssertEqual(split("Wait...  what?! ok"), ["Wait...", "what?!", "ok"])
    }

    func testNoSplitWithoutSpaceAfterOrWithSpaceBefore() {
        XCTAssertEqual(split("a.b c"), ["a.b c"])
        XCTAssertEqual(split("x .y"), ["x .y"])
    }

    /// Python leaves an empty last piece after a final match, and one empty piece for "".
    func testEmptyPiecesAsInPython() {
        XCTAssertEqual(split("end. "), ["end.", ""])
        XCTAssertEqual(split(""), [""])
    }

    func testOneSentencePerLine() {
        let text = "First line. Still first\r\n\n   \nsecond ?\nthird"
        XCTAssertEqual(SentenceSplitting.lines.sentences(in: text), ["First line. Still first", "second ?", "third"])
    }

    /// Running text: white space collapsed, cut after . ! ?, and blank lines end a sentence.
    func testRunningText() {
        let text = "A Title\n\nIt was dark.  It was\nstormy! Was it?\nYes\n\n\nThe end."
        XCTAssertEqual(SentenceSplitting.runningText.sentences(in: text),
                       ["A Title", "It was dark.", "It was stormy!", "Was it?", "Yes", "The end."])
    }
}
