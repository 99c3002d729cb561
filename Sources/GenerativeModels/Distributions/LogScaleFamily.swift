import TensorCore

/// A reparameterizable family parameterized by location μ and log scale, whose sample is
/// z = μ + scale ⊙ ε with ε from the standard member, drawn by inverting its CDF: Laplace,
/// logistic and Gumbel. Each supplies its density, quantile and moments; the sampling is shared.
public protocol LogScaleFamily: ReparameterizedDistribution {}

extension LogScaleFamily {
    /// The scale e^(scale head), [N, D].
    public var scale: Tensor { scaleHead.exp() }

    /// ε [shape] from the standard member, by its inverse CDF at uniforms.
    public static func drawNoise(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        InverseCDFNoise.draw(shape, using: &generator, quantile: standardQuantile)
    }

    /// z = μ + scale ⊙ ε; ε and z are [N, D].
    public func reparameterize(_ noise: Tensor) -> Tensor { location + scale * noise }

    /// Checks that the two parameter tensors have one shape: what every member's initializer needs.
    static func checkShapes(_ location: Tensor, _ scaleHead: Tensor) {
        precondition(location.shape == scaleHead.shape,
                     "\(Self.self): location \(location.shape) and log-scale \(scaleHead.shape) differ")
    }
}
