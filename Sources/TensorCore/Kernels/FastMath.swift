#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Branch-free Float32 approximations that vectorize inside the elementwise loops, where libm's
/// calls do not (libm `expf` over 10⁷ floats takes about 30 ms here). Their accuracy is tested
/// against libm over their whole domain.
public enum FastMath {
    /// eˣ with a relative error of a few 1e-7.
    ///
    /// Range reduction x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two parts, Cody–Waite, so r is
    /// exact), a degree-6 Taylor–Horner polynomial for eʳ, and 2ⁿ built in the exponent bits.
    /// Inputs are clamped to where the result is a normal float, so it saturates instead of
    /// producing garbage; below −87.3 it returns about 1.2e-38 rather than a denormal.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        let clamped = Swift.min(Swift.max(x, -87.33), 88.37)
        // Adding 1.5·2²³ rounds x·log₂e to the nearest integer n, which then sits in the low
        // mantissa bits: no float-to-integer conversion (and its overflow check) in the loop.
        let shifted = clamped * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = (clamped - n * 0.693_359_375) + n * 2.121_944_4e-4
        var p: Float = 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let exponentBits = (shifted.bitPattern &- 0x4B40_0000 &+ 127) &<< 23
        let scale = Float(bitPattern: exponentBits)
        return p * scale
    }

    /// log(1 + u) for u in [0, 1], with a relative error of a few 1e-7 — including tiny u, where
    /// forming 1 + u first would round away u (the softplus of a very negative input).
    ///
    /// With w = 1 + u (rounded), log(w) = 2·atanh(s), s = (w − 1)/(w + 1) ∈ [0, ⅓], as an odd series
    /// to s¹³; then log1p(u) = log(w)·u/(w − 1) corrects the rounding of w (Goldberg's trick).
    @inline(__always)
    static func log1p(_ u: Float) -> Float {
        let w = 1 + u
        let d = w - 1
        let s = d / (w + 1)
        let s2 = s * s
        var series: Float = 1.0 / 13
        series = series * s2 + 1.0 / 11
        series = series * s2 + 1.0 / 9
        series = series * s2 + 1.0 / 7
        series = series * s2 + 1.0 / 5
        series = series * s2 + 1.0 / 3
        series = series * s2 + 1
        let logW = 2 * s * series
        return d == 0 ? u : logW * (u / d)
    }

    /// tanh(x) with an error of a few 1e-7 (relative), branch-free.
    ///
    /// Near zero, where (1 − e)/(1 + e) would lose its leading digits to cancellation, the odd
    /// Taylor series to x⁹ (error < 3e-9 for |x| < 0.25); elsewhere (1 − e)/(1 + e) with
    /// e = e^(−2|x|) ≤ 0.61, and the sign restored. Both are computed and one selected, so the loop
    /// keeps vectorizing.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let magnitude = Swift.abs(x)
        let e = exp(-2 * magnitude)
        let far = (1 - e) / (1 + e)
        let x2 = x * x
        var series: Float = 62.0 / 2835
        series = series * x2 - 17.0 / 315
        series = series * x2 + 2.0 / 15
        series = series * x2 - 1.0 / 3
        series = series * x2 + 1
        let near = magnitude * series
        let result = magnitude < 0.25 ? near : far
        return x < 0 ? -result : result
    }

    /// √x for x ≥ 0, within about 2 ulp, as straight-line arithmetic that vectorizes.
    ///
    /// On Linux `Float.squareRoot()` compiles to `sqrtss` plus a branch to libm's `sqrtf` (for
    /// errno on negative inputs), which keeps every loop that uses it scalar. Here: the classic
    /// bit-level estimate of 1/√x, three Newton steps (relative error 3e-2 → 2e-3 → 5e-6 → 1e-10
    /// in exact arithmetic), then √x = x·(1/√x) with one Heron correction. √0 = 0.
    @inline(__always)
    @inlinable public static func squareRoot(_ x: Float) -> Float {
        var y = Float(bitPattern: 0x5F37_5A86 &- (x.bitPattern &>> 1))
        let half = 0.5 * x
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        y = y * (1.5 - half * y * y)
        let root = x * y
        return root + 0.5 * y * (x - root * root)
    }

    /// √x on eight lanes at once, x ≥ 0.
    ///
    /// On x86-64 this is the exact hardware square root (`sqrtps` on each half), which the
    /// intrinsic reaches without the errno branch `Float.squareRoot()` brings; it takes a third of
    /// the instructions of the Newton iteration of ``squareRoot(_:)-(Float)``, and Adam's update
    /// spends most of its arithmetic here. Elsewhere the Newton iteration, on eight lanes.
    @inline(__always)
    @inlinable public static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        let low = _mm_sqrt_ps(x.lowHalf), high = _mm_sqrt_ps(x.highHalf)
        return SIMD8(lowHalf: low, highHalf: high)
        #else
        // Constants as vectors: Swift's mixed scalar–vector SIMD operators compile lane by lane.
        let bits = unsafeBitCast(x, to: SIMD8<UInt32>.self)
        var y = unsafeBitCast(SIMD8<UInt32>(repeating: 0x5F37_5A86) &- (bits &>> SIMD8<UInt32>(repeating: 1)),
                              to: SIMD8<Float>.self)
        let half = SIMD8<Float>(repeating: 0.5), threeHalves = SIMD8<Float>(repeating: 1.5)
        let halfX = half * x
        y = y * (threeHalves - halfX * y * y)
        y = y * (threeHalves - halfX * y * y)
        y = y * (threeHalves - halfX * y * y)
        let root = x * y
        return root + half * y * (x - root * root)
        #endif
    }
}
