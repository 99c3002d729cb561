/// Seeded random tensors. Every draw comes from an explicit ``RandomGenerator``.

extension Tensor {
    /// Uniform values in [low, high).
    public static func uniform(_ shape: Shape, low: Float = 0, high: Float = 1,
                               using generator: inout RandomGenerator, requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, requiresGradient: requiresGradient) { generator.fillUniform($0, low: low, high: high) }
    }

    /// Normal values N(mean, standardDeviation²).
    public static func normal(_ shape: Shape, mean: Float = 0, standardDeviation: Float = 1,
                              using generator: inout RandomGenerator, requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, requiresGradient: requiresGradient) {
            generator.fillNormal($0, mean: mean, standardDeviation: standardDeviation)
        }
    }
}
