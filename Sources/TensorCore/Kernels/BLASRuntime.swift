import CBLAS
import Foundation

/// Makes sure OpenBLAS runs the kernels this CPU can run.
///
/// Debian's OpenBLAS 0.3.21 is built with DYNAMIC_ARCH: at load time it picks a kernel set from
/// the CPU model number. For CPU models newer than the library (Sapphire Rapids, for one) it falls
/// back to "Prescott", the SSE3 kernels, and runs GEMM 6× slower (16 instead of 95 GFLOP/s on one
/// core, measured here). The library exports `gotoblas_dynamic_init`, which picks again and honours
/// OPENBLAS_CORETYPE, so when the pick is pre-AVX2 but /proc/cpuinfo shows AVX2 or AVX-512, the
/// kernels are chosen again by feature. A user's own OPENBLAS_CORETYPE is always left alone.
public enum BLASRuntime {
    /// The kernel set OpenBLAS uses, e.g. "Cooperlake".
    public static var coreName: String {
        _ = configured
        return String(cString: openblas_get_corename())
    }

    /// What `configure` did, for logs: nil when OpenBLAS's own choice was kept.
    public private(set) nonisolated(unsafe) static var reselection: String?

    /// Runs once, before the first BLAS call (Swift initializes static lets exactly once).
    static let configured: Void = configure()

    /// A kernel set of Debian's OpenBLAS 0.3.21 that the engine splits GEMMs for (``GEMMSplit``).
    public struct KernelSet: Sendable, Equatable {
        /// As `OPENBLAS_CORETYPE` spells it and ``coreName`` reports it.
        public let name: String
        /// The /proc/cpuinfo flags a CPU needs to run it.
        public let requiredFlags: [String]
        /// The N unroll of its SGEMM kernel: C's rows per tile, so cuts at its multiples keep every
        /// element's summation order (measured: Haswell's and Zen's tiles are 12 rows).
        public let rowGranule: Int
    }

    /// The kernel sets whose exact splitting is known and tested, oldest first. Zen's kernels are
    /// Haswell's; OpenBLAS picks them on Zen 2 and 3.
    public static let kernelSets: [KernelSet] = {
        let avx2 = ["avx2", "fma"], avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq"]
        return [
            KernelSet(name: "Haswell", requiredFlags: avx2, rowGranule: 12),
            KernelSet(name: "Zen", requiredFlags: avx2, rowGranule: 12),
            KernelSet(name: "SkylakeX", requiredFlags: avx512, rowGranule: 4),
            KernelSet(name: "Cooperlake", requiredFlags: avx512 + ["avx512_bf16"], rowGranule: 4),
        ]
    }()

    /// The kernel sets of ``kernelSets`` that this CPU can run.
    public static var runnableKernelSets: [KernelSet] {
        kernelSets.filter { $0.requiredFlags.allSatisfy(CPUInfo.flags.contains) }
    }

    /// C's rows per tile of the loaded kernel set; nil for a kernel set whose exact splitting is
    /// not known, whose GEMMs then run in one piece.
    static let rowGranule: Int? = kernelSets.first { $0.name.lowercased() == coreName.lowercased() }?.rowGranule

    /// Kernel sets older than AVX2, which a DYNAMIC_ARCH build falls back to for unknown CPUs.
    static let preAVX2Cores: Set<String> = [
        "prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine",
        "northwood", "banias", "opteron", "barcelona", "bobcat", "athlon", "sandybridge", "bulldozer", "piledriver",
    ]

    private static func configure() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil else { return }
        let current = String(cString: openblas_get_corename())
        guard preAVX2Cores.contains(current.lowercased()), let better = bestCoreType(for: CPUInfo.flags),
              let quit = symbol("gotoblas_dynamic_quit"), let initialize = symbol("gotoblas_dynamic_init") else { return }
        setenv("OPENBLAS_CORETYPE", better, 1)
        quit()
        initialize()
        unsetenv("OPENBLAS_CORETYPE")
        reselection = "OpenBLAS picked \(current) kernels for this CPU; switched to \(String(cString: openblas_get_corename())) by its features"
    }

    /// The best OpenBLAS 0.3.21 kernel set for a CPU with these /proc/cpuinfo flags.
    static func bestCoreType(for flags: Set<String>) -> String? {
        let avx512 = ["avx512f", "avx512bw", "avx512vl", "avx512dq"].allSatisfy(flags.contains)
        if avx512 && flags.contains("avx512_bf16") { return "Cooperlake" }
        if avx512 { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    private static func symbol(_ name: String) -> (@convention(c) () -> Void)? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: (@convention(c) () -> Void).self)
    }
}
