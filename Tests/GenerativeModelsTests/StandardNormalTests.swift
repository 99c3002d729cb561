import Foundation
import XCTest
@testable import GenerativeModels

/// Φ⁻¹ against reference values (Python 3.11: statistics.NormalDist().inv_cdf(0.975) → 1.9599639845400536,
/// 0.001 → −3.090232306167813, 1e-10 → −6.361340902404056) and against Φ itself.
final class StandardNormalTests: XCTestCase {
    func testQuantileMatchesTablesAndInvertsTheCDF() {
        XCTAssertEqual(StandardNormal.quantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(StandardNormal.quantile(0.975), 1.9599639845400536, accuracy: 1e-12)
        XCTAssertEqual(StandardNormal.quantile(0.001), -3.090232306167813, accuracy: 1e-12)
        XCTAssertEqual(StandardNormal.quantile(1e-10), -6.361340902404056, accuracy: 1e-9)
        for p in stride(from: 0.01, through: 0.99, by: 0.01) {
            let x = StandardNormal.quantile(p)
            XCTAssertEqual(0.5 * erfc(-x / 2.0.squareRoot()), p, accuracy: 1e-14, "Φ(Φ⁻¹(\(p)))")
            XCTAssertEqual(StandardNormal.quantile(1 - p), -x, accuracy: 1e-12, "symmetry at \(p)")
        }
    }
}
