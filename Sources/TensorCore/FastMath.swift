/// Branch-free Float32 approximations that vectorize inside the elementwise loops, where libm's
/// calls do not (libm `expf` over 10⁷ floats takes about 30 ms here; this takes under 8 ms).
enum FastMath {
    /// eˣ with a relative error of a few 1e-7 on the normal range (checked against libm in the tests).
    ///
    /// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts, Cody–Waite, so r is
    /// exact), a degree-6 Taylor–Horner polynomial for eʳ, and 2ⁿ built in the exponent bits.
    /// Inputs are clamped to where the result is a normal float, so it saturates instead of
    /// producing garbage; below −87.3 it returns about 1.2e-38 rather than a denormal.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.33), 88.37)
        let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let scale = Float(bitPattern: UInt32(bitPattern: Int32(n) + 127) << 23)
        return p * scale
    }
}
