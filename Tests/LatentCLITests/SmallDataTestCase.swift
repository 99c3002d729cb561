import Foundation
import XCTest

/// A test case with a small cut of Fashion-MNIST (`data`) and a scratch folder (`workspace`),
/// made before each test and removed after it. Subclasses choose the cut's size.
class SmallDataTestCase: XCTestCase {
    var data: URL!
    var workspace: URL!

    /// Training and test images of the cut.
    class var imageCounts: (train: Int, test: Int) { (600, 50) }

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLIHarness.fashionMNIST.path), "needs dataset-fashion-mnist")
        data = try CLIHarness.smallFashionMNIST(train: Self.imageCounts.train, test: Self.imageCounts.test)
        workspace = try CLIHarness.temporaryFolder()
    }

    override func tearDownWithError() throws {
        for url in [data, workspace].compactMap({ $0 }) { try? FileManager.default.removeItem(at: url) }
    }
}
