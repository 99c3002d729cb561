import XCTest

/// Asserts that two arrays have the same count and agree element by element: the largest relative
/// error |a − e| / max(1, |e|) must not exceed `tolerance` (so near zero the tolerance is absolute).
///
/// One failure names the worst index and both values there. Equal values (infinities included)
/// have error zero; a NaN on either side counts as an infinite error.
public func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float,
                        _ message: @autoclosure () -> String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    func describe(_ text: String) -> String {
        let context = message()
        return context.isEmpty ? text : "\(text) — \(context)"
    }
    guard actual.count == expected.count else {
        XCTFail(describe("\(actual.count) values, expected \(expected.count)"), file: file, line: line)
        return
    }
    var worst: (index: Int, error: Float)?
    for index in actual.indices {
        let a = actual[index], e = expected[index]
        var error = a == e ? 0 : Swift.abs(a - e) / Swift.max(1, Swift.abs(e))
        if error.isNaN { error = .infinity }
        if worst == nil || error > worst!.error { worst = (index, error) }
    }
    if let worst, worst.error > tolerance {
        XCTFail(describe("largest relative error \(worst.error) > \(tolerance) at index \(worst.index): "
                         + "\(actual[worst.index]), expected \(expected[worst.index])"), file: file, line: line)
    }
}
