import Foundation
import TensorCore
@testable import GenerativeModels

/// Closed-form moments of each family written out independently of the library (textbook
/// formulas in the location μ and the scale head h), and parameter rows for the family tests.
enum FamilyTextbook {
    static let eulerGamma = 0.5772156649015329

    /// E[z] for location μ and scale head h.
    static func mean(_ family: LatentFamily, location μ: Double, scaleHead h: Double) -> Double {
        switch family {
        case .gaussian, .laplace, .logistic: μ
        case .gumbel: μ + eulerGamma * exp(h)
        }
    }

    /// Var[z]: σ² = e^h; 2b²; π²s²/3; π²β²/6.
    static func variance(_ family: LatentFamily, location μ: Double, scaleHead h: Double) -> Double {
        switch family {
        case .gaussian: exp(h)
        case .laplace: 2 * exp(2 * h)
        case .logistic: Double.pi * Double.pi / 3 * exp(2 * h)
        case .gumbel: Double.pi * Double.pi / 6 * exp(2 * h)
        }
    }

    /// Parameter rows (μ, h): the standard member, small and large scales, locations off zero on
    /// both sides. Scales span e^−2.5 … e^1 so a scale-versus-variance slip cannot hide near 1.
    static let rows: [(location: Double, scaleHead: Double)] = [(0, 0), (1.5, -1), (-2, 0.7), (0.3, -2.5), (-0.6, 1)]

    /// The rows as a one-column batch: location and scale head [rows, 1].
    static func parameters(_ rows: [(location: Double, scaleHead: Double)] = rows) -> (location: Tensor, scaleHead: Tensor) {
        (Tensor(shape: [rows.count, 1], scalars: rows.map { Float($0.location) }),
         Tensor(shape: [rows.count, 1], scalars: rows.map { Float($0.scaleHead) }))
    }
}

/// [B, F] → [times·B, F], draw-major (row k·B + b is draw k of row b), as `VAE.repeatRows`.
func repeatedRows(_ matrix: Tensor, times: Int) -> Tensor { VAE.repeatRows(matrix, times: times) }

/// Column `column` of the rows r, r + stride, r + 2·stride, … of a [R, D] tensor's values, in Double.
func strided(_ values: [Float], start: Int, stride step: Int) -> [Double] {
    Swift.stride(from: start, to: values.count, by: step).map { Double(values[$0]) }
}
