/// Conversion from float intensities, as models produce them, to 8-bit pixel values.
public enum PixelConversion {
    /// Maps an intensity in [0, 1] to 0...255: values outside are clamped, and the result is
    /// rounded to nearest (halves away from zero), so 0.5 becomes 128.
    ///
    /// NaN becomes 0 rather than trapping: a model that diverged should still produce an
    /// image (a black one) that shows the problem, not crash the program writing it.
    public static func byte(fromIntensity intensity: Float) -> UInt8 {
        guard !intensity.isNaN else { return 0 }
        let clamped = min(max(intensity, 0), 1)
        return UInt8((clamped * 255).rounded(.toNearestOrAwayFromZero))
    }

    /// `byte(fromIntensity:)` applied to every value.
    public static func bytes(fromIntensities intensities: [Float]) -> [UInt8] {
        intensities.map(byte(fromIntensity:))
    }
}
