import Foundation

/// A seedable, counter-based random generator: Philox4x32-10 (Salmon et al., "Parallel Random
/// Numbers: As Easy as 1, 2, 3", SC 2011).
///
/// Each 128-bit block of random bits is a pure function of (seed, block index), so a tensor fill
/// that reserves blocks `c ..< c+n` produces the same values however many threads compute it, and
/// the whole state is two integers that a checkpoint stores exactly. One generator is passed down
/// explicitly (`inout`) to everything that draws.
public struct RandomGenerator: Sendable, Hashable, Codable {
    /// The key: which stream of numbers this is.
    public let seed: UInt64
    /// How many 128-bit blocks have been drawn so far.
    public private(set) var counter: UInt64
    /// The rows of a batch this process draws for, when several processes share the batch (data
    /// parallel training); nil when it draws for the whole batch, or for ``BatchShard/current``
    /// where that is set. See ``BatchShard``.
    public var shard: BatchShard?

    public init(seed: UInt64, counter: UInt64 = 0) {
        self.seed = seed
        self.counter = counter
    }

    /// Claims `count` consecutive blocks and returns the index of the first.
    public mutating func reserveBlocks(_ count: Int) -> UInt64 {
        let first = counter
        counter &+= UInt64(count)
        return first
    }

    /// The four 32-bit words of block `index` of stream `seed`: Philox with counter (index, 0) and
    /// key `seed`, low words first.
    @inline(__always)
    public static func block(seed: UInt64, index: UInt64) -> SIMD4<UInt32> {
        philox(counter: SIMD4(UInt32(truncatingIfNeeded: index), UInt32(truncatingIfNeeded: index >> 32), 0, 0),
               key: SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    }

    /// The Philox4x32-10 bijection: ten rounds of two 32×32→64-bit multiplies, with the key bumped
    /// by the Weyl constants between rounds.
    @inline(__always)
    static func philox(counter: SIMD4<UInt32>, key: SIMD2<UInt32>) -> SIMD4<UInt32> {
        var c = counter
        var k = key
        for _ in 0..<10 {
            let product0 = UInt64(0xD251_1F53) &* UInt64(c[0])
            let product1 = UInt64(0xCD9E_8D57) &* UInt64(c[2])
            c = SIMD4(UInt32(truncatingIfNeeded: product1 >> 32) ^ c[1] ^ k[0],
                      UInt32(truncatingIfNeeded: product1),
                      UInt32(truncatingIfNeeded: product0 >> 32) ^ c[3] ^ k[1],
                      UInt32(truncatingIfNeeded: product0))
            k &+= SIMD2(0x9E37_79B9, 0xBB67_AE85)
        }
        return c
    }

    /// A uniform Float in [0, 1) from the top 24 bits of a word: every value is exactly representable.
    @inline(__always)
    static func unitInterval(_ word: UInt32) -> Float { Float(word >> 8) * 0x1p-24 }

    /// A uniform Float in (0, 1]: safe to take the logarithm of.
    @inline(__always)
    static func openUnitInterval(_ word: UInt32) -> Float { Float((word >> 8) + 1) * 0x1p-24 }

    // MARK: Scalars

    /// A uniform Float in [0, 1). Uses one block; for many numbers fill a tensor instead.
    public mutating func nextUniform() -> Float {
        Self.unitInterval(Self.block(seed: seed, index: reserveBlocks(1))[0])
    }

    /// A uniform integer in `0 ..< upperBound`, without modulo bias (Lemire's multiply-shift with
    /// rejection, drawing from a 64-bit word).
    public mutating func nextInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "nextInt(below:) needs a positive bound, got \(upperBound)")
        let bound = UInt64(upperBound)
        while true {
            let words = Self.block(seed: seed, index: reserveBlocks(1))
            let random = UInt64(words[0]) | UInt64(words[1]) << 32
            let (high, low) = random.multipliedFullWidth(by: bound)
            if low >= (0 &- bound) % bound { return Int(high) }
        }
    }

    /// A uniformly random permutation of `0 ..< count` (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(i, nextInt(below: i + 1))
        }
        return indices
    }

    // MARK: Buffers

    /// Fills `buffer` with uniform values in [low, high). Element i uses word i of the reserved blocks.
    /// With a ``shard``, `buffer` holds the shard's rows of the whole batch's draw.
    public mutating func fillUniform(_ buffer: UnsafeMutableBufferPointer<Float>, low: Float = 0, high: Float = 1) {
        let (first, offset) = reserve(buffer.count)
        nonisolated(unsafe) let out = buffer.baseAddress
        let seed = self.seed, width = high - low
        Self.forEachBlock(elements: offset..<(offset + buffer.count)) { block, elements in
            let words = Self.block(seed: seed, index: first &+ UInt64(block))
            for element in elements { out![element - offset] = low + width * Self.unitInterval(words[element & 3]) }
        }
    }

    /// Fills `buffer` with normal values N(mean, std²) by the Box–Muller transform: each block gives
    /// two pairs of uniforms, hence four normals.
    /// With a ``shard``, `buffer` holds the shard's rows of the whole batch's draw.
    public mutating func fillNormal(_ buffer: UnsafeMutableBufferPointer<Float>, mean: Float = 0, standardDeviation: Float = 1) {
        let (first, offset) = reserve(buffer.count)
        nonisolated(unsafe) let out = buffer.baseAddress
        let seed = self.seed
        Self.forEachBlock(elements: offset..<(offset + buffer.count)) { block, elements in
            let words = Self.block(seed: seed, index: first &+ UInt64(block))
            var normals = SIMD4<Float>()
            for pair in 0..<2 {
                let radius = (-2 * log(Self.openUnitInterval(words[2 * pair]))).squareRoot()
                let angle = 2 * Float.pi * Self.unitInterval(words[2 * pair + 1])
                normals[2 * pair] = radius * cos(angle)
                normals[2 * pair + 1] = radius * sin(angle)
            }
            for element in elements { out![element - offset] = mean + standardDeviation * normals[element & 3] }
        }
    }

    /// Reserves the blocks of a fill of `count` values and returns the first block and the index,
    /// within the fill, of the first value this process computes: the whole fill without a shard;
    /// with one, the whole batch's fill (so every process's counter moves alike) of which this
    /// process computes its rows.
    private mutating func reserve(_ count: Int) -> (firstBlock: UInt64, offset: Int) {
        guard let shard = shard ?? BatchShard.current else { return (reserveBlocks((count + 3) / 4), 0) }
        precondition(shard.rows > 0 && count % shard.rows == 0,
                     "RandomGenerator: a draw of \(count) values is not a whole number of rows of the shard \(shard)")
        let rowLength = count / shard.rows
        return (reserveBlocks((shard.batchRows * rowLength + 3) / 4), shard.firstRow * rowLength)
    }

    /// Calls `body(block, elements)` for each 4-element block that holds some of `elements`, with
    /// the elements of the block among them, split across threads by whole blocks so the values
    /// cannot depend on the split.
    @inline(__always)
    private static func forEachBlock(elements: Range<Int>, _ body: (Int, Range<Int>) -> Void) {
        guard !elements.isEmpty else { return }
        let firstBlock = elements.lowerBound / 4, blocks = (elements.upperBound + 3) / 4 - firstBlock
        ComputeThreads.forEachChunk(blocks, minimumPerChunk: ComputeThreads.parallelThreshold / 8) { range in
            for block in (firstBlock + range.lowerBound)..<(firstBlock + range.upperBound) {
                body(block, Swift.max(4 * block, elements.lowerBound)..<Swift.min(4 * block + 4, elements.upperBound))
            }
        }
    }
}
