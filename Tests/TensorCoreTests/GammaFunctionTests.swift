import Foundation
import XCTest
@testable import TensorCore

/// log Γ and ψ against exact values and identities that the implementation does not use.
final class GammaFunctionTests: XCTestCase {
    /// Exact values: Γ(1) = Γ(2) = 1, Γ(½) = √π, Γ(10) = 9! = 362880, Γ(3/2) = √π/2;
    /// ψ(1) = −γ and ψ(½) = −γ − 2 ln 2 (γ = 0.5772156649015329, Euler–Mascheroni).
    func testExactValues() {
        let eulerGamma = 0.5772156649015329
        XCTAssertEqual(GammaFunction.logGamma(1), 0, accuracy: 1e-13)
        XCTAssertEqual(GammaFunction.logGamma(2), 0, accuracy: 1e-13)
        XCTAssertEqual(GammaFunction.logGamma(0.5), 0.5 * log(Double.pi), accuracy: 1e-13)
        XCTAssertEqual(GammaFunction.logGamma(1.5), 0.5 * log(Double.pi) - log(2.0), accuracy: 1e-13)
        XCTAssertEqual(GammaFunction.logGamma(10), log(362_880.0), accuracy: 1e-12)
        XCTAssertEqual(GammaFunction.digamma(1), -eulerGamma, accuracy: 1e-12)
        XCTAssertEqual(GammaFunction.digamma(0.5), -eulerGamma - 2 * log(2.0), accuracy: 1e-12)
        XCTAssert(GammaFunction.logGamma(0).isNaN && GammaFunction.digamma(-1).isNaN)
    }

    /// Over x from 1e-3 to 60 (both sides of the switch to the asymptotic series at 7):
    /// the recurrences Γ(x+1) = xΓ(x) and ψ(x+1) = ψ(x) + 1/x, Legendre's duplication formula
    /// Γ(x)Γ(x+½) = 2^(1−2x) √π Γ(2x), ψ as the central difference of log Γ, and glibc's lgamma.
    func testIdentitiesAcrossTheRange() {
        var x = 1e-3
        while x < 60 {
            let logGamma = GammaFunction.logGamma(x)
            let scale = max(1, abs(logGamma))
            XCTAssertEqual(GammaFunction.logGamma(x + 1), logGamma + log(x), accuracy: 1e-11 * scale, "recurrence at \(x)")
            XCTAssertEqual(logGamma + GammaFunction.logGamma(x + 0.5),
                           (1 - 2 * x) * log(2.0) + 0.5 * log(Double.pi) + GammaFunction.logGamma(2 * x),
                           accuracy: 1e-11 * scale, "duplication at \(x)")
            XCTAssertEqual(logGamma, Foundation.lgamma(x), accuracy: 1e-11 * scale, "glibc lgamma at \(x)")
            let digamma = GammaFunction.digamma(x)
            XCTAssertEqual(GammaFunction.digamma(x + 1), digamma + 1 / x, accuracy: 1e-11 * max(1, abs(digamma)),
                           "digamma recurrence at \(x)")
            let h = 1e-5 * x
            let difference = (GammaFunction.logGamma(x + h) - GammaFunction.logGamma(x - h)) / (2 * h)
            XCTAssertEqual(digamma, difference, accuracy: 1e-6 * max(1, abs(digamma)), "ψ as d log Γ at \(x)")
            x *= 1.37
        }
    }

    /// The tensor op rounds the Double values to Float32.
    func testTensorOp() {
        let values = Tensor(shape: [4], scalars: [0.5, 1, 3, 10]).logGamma().scalars
        let expected = [0.5 * log(Double.pi), 0, log(2.0), log(362_880.0)]
        for (value, exact) in zip(values, expected) {
            XCTAssertEqual(Double(value), exact, accuracy: 1e-6 * max(1, abs(exact)))
        }
    }
}
