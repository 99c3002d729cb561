import XCTest
@testable import GenerativeModels

/// The memory estimates let every reference model start on an ordinary machine, and put absurd
/// sizes far beyond any machine, without overflowing.
final class MemoryEstimateTests: XCTestCase {
    let gibibyte = 1 << 30

    func testReferenceModelsFitComfortably() {
        XCTAssertLessThan(VAEConfiguration().estimatedTrainingBytes, gibibyte / 4)
        XCTAssertLessThan(VAEConfiguration.convolutionalDefaults.estimatedTrainingBytes, 2 * gibibyte)
        XCTAssertLessThan(PixelCNNConfiguration().estimatedTrainingBytes, 4 * gibibyte)
        XCTAssertLessThan(IndependentPixelsConfiguration().estimatedTrainingBytes, gibibyte / 4)
        XCTAssertLessThan(SentenceVAEConfiguration().estimatedTrainingBytes(vocabularySize: 13_784), 4 * gibibyte)
        XCTAssertLessThan(PixelCNNConfiguration().estimatedSamplingBytes(count: 16), gibibyte / 4)
    }

    func testAbsurdSizesAreHugeAndDoNotOverflow() {
        var wide = VAEConfiguration()
        wide.hiddenSizes = [60_000, 60_000]
        XCTAssertGreaterThan(wide.estimatedTrainingBytes, 32 * gibibyte)
        var deep = PixelCNNConfiguration()
        (deep.channels, deep.residualBlocks) = (4096, 256)
        XCTAssertGreaterThan(deep.estimatedTrainingBytes, 32 * gibibyte)
        XCTAssertGreaterThan(PixelCNNConfiguration().estimatedSamplingBytes(count: 100_000_000), 32 * gibibyte)
        var enormous = VAEConfiguration()
        (enormous.imageHeight, enormous.imageWidth, enormous.hiddenSizes, enormous.batchSize) = (16_384, 1024, [65_536, 65_536, 65_536], 1 << 20)
        XCTAssertGreaterThan(enormous.estimatedTrainingBytes, 32 * gibibyte, "saturates instead of wrapping around")
    }
}
