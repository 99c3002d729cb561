/// Python's `random.Random(seed).shuffle`, reproduced exactly, for the fortunes corpus split.
///
/// The reference pipeline splits its sentences after `random.Random(1234).shuffle(sentences)`.
/// Which sentences land in the training split decides the training vocabulary (over eight seeds
/// the count ≥ 2 vocabulary ranges from 13,754 to 13,811 words), so matching the reference's
/// figures, and training on literally the same sentences as the PyTorch reference, needs the
/// same permutation. Python's generator is MT19937 (Matsumoto & Nishimura 1998), seeded from
/// the integer's 32-bit words by `init_by_array`; `shuffle` is Fisher–Yates from the end with
/// `_randbelow(n)`, which draws `n.bit_length()` bits (the top bits of one 32-bit output) and
/// rejects values ≥ n. That is all reproduced here, and nothing else of Python's module.
///
/// Training randomness (epoch order, word dropout, noise) uses the project's Philox generator;
/// this generator serves only to reproduce the reference's corpus files.
struct PythonRandom {
    private static let stateSize = 624
    private static let shift = 397
    private var state: [UInt32]
    private var position: Int

    /// `random.Random(seed)` for a non-negative integer seed.
    init(seed: UInt64) {
        state = Self.initialState(UInt32(truncatingIfNeeded: 19_650_218))
        position = Self.stateSize
        // CPython's random_seed: the absolute value's 32-bit words, least significant first,
        // and at least one word (zero seeds with [0]).
        let low = UInt32(truncatingIfNeeded: seed), high = UInt32(truncatingIfNeeded: seed >> 32)
        mixIn(key: high == 0 ? [low] : [low, high])
    }

    /// MT19937's `init_genrand`.
    private static func initialState(_ seed: UInt32) -> [UInt32] {
        var words = [UInt32](repeating: 0, count: stateSize)
        words[0] = seed
        for i in 1..<stateSize {
            words[i] = 1_812_433_253 &* (words[i - 1] ^ (words[i - 1] >> 30)) &+ UInt32(i)
        }
        return words
    }

    /// MT19937's `init_by_array`, applied to the state of `init_genrand(19650218)`.
    private mutating func mixIn(key: [UInt32]) {
        let n = Self.stateSize
        var i = 1, j = 0
        for _ in 0..<max(n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1
            j += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= n { state[0] = state[n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000
    }

    /// The next 32-bit output (`genrand_uint32`).
    mutating func nextWord() -> UInt32 {
        if position >= Self.stateSize { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Refills the state with the next 624 words.
    private mutating func regenerate() {
        let n = Self.stateSize, m = Self.shift
        for k in 0..<n {
            let y = (state[k] & 0x8000_0000) | (state[(k + 1) % n] & 0x7FFF_FFFF)
            state[k] = state[(k + m) % n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        position = 0
    }

    /// `_randbelow(bound)` for 1 ≤ bound < 2³²: `bound.bit_length()` top bits of a word,
    /// redrawn while they are ≥ bound.
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0 && bound <= Int(UInt32.max), "PythonRandom.below: bound \(bound) out of range")
        let bits = Int.bitWidth - bound.leadingZeroBitCount
        while true {
            let draw = Int(nextWord() >> UInt32(32 - bits))
            if draw < bound { return draw }
        }
    }

    /// `shuffle(items)` in place.
    mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, through: 1, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}
