import TensorCore

/// Elementwise throughput of the engine's ops over 10⁶ and 10⁷ floats, in elements per nanosecond
/// (a memory-bound add reads 8 bytes and writes 4 per element).
enum ElementwiseBenchmark {
    static func run(repeats: Int) {
        print("\n## Elementwise ops (Gelem/s = elements per ns, median of \(repeats); threads: \(ComputeThreads.count))")
        let widths = [10, 12, 12, 10]
        printRow(["op", "elements", "ms", "Gelem/s"], widths: widths)
        var generator = RandomGenerator(seed: 2)
        for count in [1_000_000, 10_000_000] {
            let a = Tensor.normal([count], using: &generator)
            let b = Tensor.normal([count], using: &generator)
            let ops: [(String, () -> Tensor)] = [
                ("add", { a + b }), ("multiply", { a * b }), ("exp", { a.exp() }), ("sigmoid", { a.sigmoid() }),
            ]
            for (name, op) in ops {
                let seconds = Timing.median(repeats: repeats) { _ = op() }
                printRow([name, "\(count)", format(seconds * 1e3, 3), format(Double(count) / seconds / 1e9, 2)], widths: widths)
            }
        }
    }
}
