import Foundation
import NN
import TensorCore
@testable import GenerativeModels

/// A VAE whose encoder is the exact posterior, so that log p(x) is known in closed form.
///
/// Probabilistic PCA: z ~ N(0, I₂), x | z ~ N(Wz + b, σ²I₃), with W's two columns orthogonal. Then
/// p(x) = N(x; b, WWᵀ + σ²I) and the posterior is p(z|x) = N(M⁻¹Wᵀ(x − b), σ²M⁻¹) with
/// M = WᵀW + σ²I diagonal (m_j = |w_j|² + σ²). Built from the MLP VAE with identity activations and
/// hand-set weights, its q(z|x) equals p(z|x), so every importance weight p(x|z)p(z)/q(z|x) equals
/// p(x) exactly: every estimate, for any K, must return log p(x).
struct LinearGaussianVAE {
    /// W as columns w₁ = (2, 1, 0), w₂ = (−0.5, 1, 1.5): w₁·w₂ = 0, |w₁|² = 5, |w₂|² = 3.5.
    static let columns: [[Double]] = [[2, 1, 0], [-0.5, 1, 1.5]]
    static let offset: [Double] = [0.3, -0.2, 0.1]
    static let noiseVariance = 0.5

    let model: VAE

    init() {
        var generator = RandomGenerator(seed: 0)
        model = VAE(dataDimension: 3, hiddenSizes: [3], latentDimension: 2, activation: .identity,
                    likelihood: .gaussianFixed(variance: Float(Self.noiseVariance)), using: &generator)
        let w = Self.columns, b = Self.offset, m = Self.posteriorPrecisionScale
        let identity: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
        // Encoder: identity hidden layer, then μ_j = w_jᵀ(x − b)/m_j and log σ²_j = log(σ²/m_j).
        Self.set(model.encoder.layers[0], weight: identity, bias: [0, 0, 0])
        let meanWeight = (0 ..< 2).flatMap { j in w[j].map { Float($0 / m[j]) } }
        let meanBias = (0 ..< 2).map { j in Float(-Self.dot(w[j], b) / m[j]) }
        Self.set(model.meanHead, weight: meanWeight, bias: meanBias)
        Self.set(model.scaleHead, weight: [Float](repeating: 0, count: 6),
                 bias: m.map { Float(Foundation.log(Self.noiseVariance / $0)) })
        // Decoder: Wz + b, then an identity layer.
        Self.set(model.decoder.layers[0], weight: (0 ..< 3).flatMap { i in [Float(w[0][i]), Float(w[1][i])] },
                 bias: b.map(Float.init))
        Self.set(model.decoder.layers[2], weight: identity, bias: [0, 0, 0])
    }

    /// m_j = |w_j|² + σ².
    static var posteriorPrecisionScale: [Double] { columns.map { dot($0, $0) + noiseVariance } }

    /// log N(x; b, WWᵀ + σ²I) in Double: with r = x − b, the quadratic form is
    /// (|r|² − Σ_j (w_jᵀr)²/m_j)/σ² (Woodbury) and log det = Σ_j log m_j + (3 − 2) log σ².
    static func exactLogLikelihood(_ x: [Double]) -> Double {
        let r = zip(x, offset).map { $0 - $1 }
        let m = posteriorPrecisionScale
        let quadratic = (dot(r, r) - (0 ..< 2).reduce(0) { $0 + dot(columns[$1], r) * dot(columns[$1], r) / m[$1] })
            / noiseVariance
        let logDeterminant = m.reduce(0) { $0 + Foundation.log($1) } + Foundation.log(noiseVariance)
        return -0.5 * (3 * Foundation.log(2 * Double.pi) + logDeterminant + quadratic)
    }

    /// w₁ × w₂: orthogonal to both columns, the direction in which the model explains x by noise alone.
    static var normalDirection: [Double] {
        let a = columns[0], c = columns[1]
        return [a[1] * c[2] - a[2] * c[1], a[2] * c[0] - a[0] * c[2], a[0] * c[1] - a[1] * c[0]]
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    private static func set(_ layer: any Layer, weight: [Float], bias: [Float]) {
        let linear = layer as! Linear
        linear.weight.assign(Tensor(shape: linear.weight.shape, scalars: weight))
        linear.bias!.assign(Tensor(shape: [bias.count], scalars: bias))
    }
}
