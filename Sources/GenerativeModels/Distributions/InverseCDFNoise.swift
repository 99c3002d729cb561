import TensorCore

/// Noise by inversion: ε = F⁻¹(u) with u uniform on the open interval (0, 1).
///
/// `Tensor.uniform` gives u = k·2⁻²⁴ for k in 0 ..< 2²⁴, which includes 0, where the quantile
/// functions of families on ℝ are infinite. Shifting by half a step, u = (k + ½)·2⁻²⁴, uses the
/// midpoints of the 2²⁴ equal cells instead: strictly inside (0, 1), symmetric about ½ (so a
/// symmetric family's noise stays exactly symmetric), and |ε| bounded by the quantile at 2⁻²⁵
/// (about 17 for the logistic, 16.6 for the Laplace). The midpoint is exact in Double but not
/// always in Float, so the shift and the quantile are evaluated in Double and only ε is rounded.
///
/// The loop runs on one thread, in element order: the values depend only on the generator's
/// state, and it costs a few nanoseconds per element against a decoder pass that costs far more.
enum InverseCDFNoise {
    /// [shape] values of F⁻¹(u), without gradients.
    static func draw(_ shape: Shape, using generator: inout RandomGenerator,
                     quantile: (Double) -> Double) -> Tensor {
        let uniform = Tensor.uniform(shape, using: &generator)
        return Tensor(shape: shape) { out in
            uniform.withUnsafeBufferPointer { u in
                for i in 0 ..< u.count { out[i] = Float(quantile(Double(u[i]) + 0x1p-25)) }
            }
        }
    }
}
