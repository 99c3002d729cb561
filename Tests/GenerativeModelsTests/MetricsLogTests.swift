import XCTest
@testable import GenerativeModels

/// What a resumed run keeps of its metrics.jsonl.
final class MetricsLogTests: XCTestCase {
    func testKeepsEarlierEpochsAndRecordsWithoutOneAndDropsTornLines() {
        let text = """
        {"epoch":1,"split":"train"}
        {"note":"no epoch"}
        {"epoch":2,"split":"train"}
        {"epoch":3,"split":"test"}
        {"epoch":2,"spl
        not json at all
        """
        XCTAssertEqual(MetricsLog.lines(of: text, throughEpoch: 2),
                       [#"{"epoch":1,"split":"train"}"#, #"{"note":"no epoch"}"#, #"{"epoch":2,"split":"train"}"#])
        XCTAssertEqual(MetricsLog.lines(of: text, throughEpoch: 0), [#"{"note":"no epoch"}"#])
    }
}
