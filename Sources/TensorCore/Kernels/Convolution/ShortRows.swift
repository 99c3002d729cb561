/// SIMD kernels for the short rows that im2col and col2im move (7 or 14 floats in the conv VAE).
///
/// A plain element loop would be turned into a call to memcpy, which costs more than the copy at
/// these lengths, or stay scalar. These use 4- and 8-lane loads and stores; a row whose length is
/// not a multiple of the width ends with a chunk that overlaps the previous one, and every chunk is
/// loaded before any overlapping chunk is stored, so an overlapped element is written twice with
/// the same value.
enum ShortRows {
    /// `target[t] = source[t]` for t < count. The two ranges must not overlap.
    @inline(__always)
    static func copy(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            let last = count &- 8
            let tail = load8(source, last)
            var offset = 0
            while offset &+ 8 <= count {
                store8(load8(source, offset), target, offset)
                offset &+= 8
            }
            if offset < count { store8(tail, target, last) }
        } else if count >= 4 {
            copyFourToEight(source, to: target, count: count)
        } else {
            if count > 0 { target[0] = source[0] }
            if count > 1 { target[1] = source[1] }
            if count > 2 { target[2] = source[2] }
        }
    }

    /// `target[t] += source[t]` for t < count. The two ranges must not overlap.
    @inline(__always)
    static func add(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        if count >= 8 {
            let last = count &- 8
            // The overlapping tail is summed from the original values before the loop stores over them.
            let tail = load8(target, last) + load8(source, last)
            var offset = 0
            while offset &+ 8 <= count {
                store8(load8(target, offset) + load8(source, offset), target, offset)
                offset &+= 8
            }
            if offset < count { store8(tail, target, last) }
        } else if count >= 4 {
            addFourToEight(source, into: target, count: count)
        } else {
            for t in 0..<count { target[t] += source[t] }
        }
    }

    /// `target[t] = source[t] + shift` for t < count (a bias added on the way). No overlap.
    @inline(__always)
    static func copy(_ source: UnsafePointer<Float>, adding shift: Float, to target: UnsafeMutablePointer<Float>, count: Int) {
        let splat = SIMD8<Float>(repeating: shift)
        write(count: count, into: target) { load8(source, $0) + splat } scalar: { source[$0] + shift }
    }

    /// ``copy(_:to:count:)`` for 4 ≤ count ≤ 8: two 4-lane moves.
    @inline(__always)
    static func copyFourToEight(_ source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>, count: Int) {
        let head = load4(source, 0), tail = load4(source, count &- 4)
        store4(head, target, 0)
        store4(tail, target, count &- 4)
    }

    /// ``add(_:into:count:)`` for 4 ≤ count ≤ 8: two 4-lane sums, both loaded before either is stored.
    @inline(__always)
    static func addFourToEight(_ source: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, count: Int) {
        let head = load4(target, 0) + load4(source, 0)
        let tail = load4(target, count &- 4) + load4(source, count &- 4)
        store4(head, target, 0)
        store4(tail, target, count &- 4)
    }

    /// Splits `count` floats into `even` (indices 0, 2, 4, …; (count + 1) / 2 of them) and `odd`
    /// (1, 3, 5, …; count / 2 of them): a row of a stride-2 input into its two column phases.
    @inline(__always)
    static func deinterleave(_ source: UnsafePointer<Float>, count: Int,
                             even: UnsafeMutablePointer<Float>, odd: UnsafeMutablePointer<Float>) {
        var pair = 0
        while 2 &* pair &+ 8 <= count {
            let values = load8(source, 2 &* pair)
            store4(values.evenHalf, even, pair)
            store4(values.oddHalf, odd, pair)
            pair &+= 4
        }
        if count >= 8 && 2 &* pair &+ 2 <= count {
            // The remaining whole pairs, as one chunk that overlaps pairs already split.
            let last = (count &- 8) / 2
            let values = load8(source, 2 &* last)
            store4(values.evenHalf, even, last)
            store4(values.oddHalf, odd, last)
            pair = last &+ 4
        }
        while 2 &* pair &+ 2 <= count {
            even[pair] = source[2 &* pair]
            odd[pair] = source[2 &* pair &+ 1]
            pair &+= 1
        }
        if 2 &* pair < count { even[pair] = source[2 &* pair] }
    }

    /// The adjoint of ``deinterleave(_:count:even:odd:)``: `target[2m] += even[m]` and
    /// `target[2m + 1] += odd[m]` for every index below `count`.
    @inline(__always)
    static func interleaveAdd(even: UnsafePointer<Float>, odd: UnsafePointer<Float>,
                              into target: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func zipped(_ pair: Int) -> SIMD8<Float> {
            let e = load4(even, pair), o = load4(odd, pair)
            return SIMD8<Float>(e[0], o[0], e[1], o[1], e[2], o[2], e[3], o[3])
        }
        // The last whole pairs as one chunk overlapping earlier ones, summed before anything is stored.
        let last = count >= 8 ? (count &- 8) / 2 : 0
        let tail = count >= 8 ? load8(target, 2 &* last) + zipped(last) : SIMD8<Float>()
        var pair = 0
        while 2 &* pair &+ 8 <= count {
            store8(load8(target, 2 &* pair) + zipped(pair), target, 2 &* pair)
            pair &+= 4
        }
        if count >= 8 && 2 &* pair &+ 2 <= count {
            store8(tail, target, 2 &* last)
            pair = last &+ 4
        }
        while 2 &* pair &+ 2 <= count {
            target[2 &* pair] += even[pair]
            target[2 &* pair &+ 1] += odd[pair]
            pair &+= 1
        }
        if 2 &* pair < count { target[2 &* pair] += even[pair] }
    }

    /// `target[t] = f(t)` for t < count: `vector(offset)` gives the 8 values at offset..<offset+8,
    /// `scalar(t)` one value (rows shorter than 8). The values must not depend on `target`, since
    /// the last chunk overlaps the one before.
    @inline(__always)
    static func write(count: Int, into target: UnsafeMutablePointer<Float>, _ vector: (Int) -> SIMD8<Float>,
                      scalar: (Int) -> Float) {
        guard count >= 8 else {
            for t in 0..<count { target[t] = scalar(t) }
            return
        }
        var offset = 0
        while offset &+ 8 <= count {
            store8(vector(offset), target, offset)
            offset &+= 8
        }
        if offset < count { store8(vector(count &- 8), target, count &- 8) }
    }

    @inline(__always)
    static func load8(_ base: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load8(_ base: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func load4(_ base: UnsafePointer<Float>, _ offset: Int) -> SIMD4<Float> {
        UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    private static func load4(_ base: UnsafeMutablePointer<Float>, _ offset: Int) -> SIMD4<Float> {
        UnsafeRawPointer(base + offset).loadUnaligned(as: SIMD4<Float>.self)
    }

    @inline(__always)
    static func store8(_ value: SIMD8<Float>, _ base: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value, as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func store4(_ value: SIMD4<Float>, _ base: UnsafeMutablePointer<Float>, _ offset: Int) {
        UnsafeMutableRawPointer(base + offset).storeBytes(of: value, as: SIMD4<Float>.self)
    }
}
