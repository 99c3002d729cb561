import Foundation
import XCTest
@testable import TensorCore
import TestSupport

/// A GEMM split across threads gives exactly the bits of one thread, and the right product: on
/// oneDNN under every instruction set this CPU can run, and on OpenBLAS under every kernel set.
final class SplitGEMMTests: XCTestCase {
    override func tearDown() { ComputeThreads.set(1) }

    /// Names the kernel set a child process must have loaded (see ``testSplitKeepsTheBitsUnderEveryKernelSet``).
    static let childKernelSetVariable = "LATENT_SPLIT_GEMM_KERNEL_SET"
    /// Names the instruction set a child process limits oneDNN to (see ``testSplitKeepsTheBitsUnderEveryOneDNNInstructionSet``).
    static let childInstructionSetVariable = "LATENT_SPLIT_GEMM_ONEDNN_ISA"

    struct Shape {
        let name: String
        let m: Int, n: Int, k: Int
    }

    /// Tall, wide and odd shapes, the products of the MLP VAE, the PixelCNN and the sentence
    /// models, and shapes at the bounds of OpenBLAS's small-matrix and direct paths.
    static let shapes: [Shape] = [
        Shape(name: "tall", m: 300, n: 40, k: 200),
        Shape(name: "wide", m: 40, n: 300, k: 200),
        Shape(name: "odd", m: 129, n: 257, k: 130),
        Shape(name: "MLP VAE fc1 forward", m: 128, n: 400, k: 784),
        Shape(name: "MLP VAE fc1 weight gradient", m: 400, n: 784, k: 128),
        Shape(name: "MLP VAE fc4 forward", m: 128, n: 784, k: 400),
        Shape(name: "MLP VAE fc4 input gradient", m: 128, n: 400, k: 784),
        Shape(name: "MLP VAE fc4 weight gradient", m: 784, n: 400, k: 128),
        Shape(name: "PixelCNN mask A forward, 4 images", m: 64, n: 4 * 784, k: 24),
        Shape(name: "PixelCNN mask A weight gradient", m: 64, n: 24, k: 4 * 784),
        Shape(name: "PixelCNN mask A input gradient", m: 24, n: 4 * 784, k: 64),
        Shape(name: "PixelCNN shifted tap", m: 64, n: 812, k: 64),
        Shape(name: "sentence LSTM step", m: 32, n: 1024, k: 256),
        Shape(name: "sentence LSTM input gradient", m: 32, n: 256, k: 1024),
        Shape(name: "sentence LSTM weight gradient", m: 1024, n: 256, k: 640),
        // Around the bounds of OpenBLAS's direct SGEMM (m·n·k < 28·512², or 8·512² when n is not a
        // multiple of 4) and of its small-matrix kernels (m·n·k ≤ 10⁶).
        Shape(name: "direct bound, whole inside", m: 250, n: 44, k: 200),
        Shape(name: "direct bound, n not a multiple of 4", m: 250, n: 41, k: 200),
        Shape(name: "direct bound, halves inside", m: 160, n: 240, k: 200),
        Shape(name: "direct bound, halves just outside", m: 320, n: 240, k: 200),
        Shape(name: "small-matrix bound", m: 50, n: 41, k: 1000),
        Shape(name: "small-matrix bound, halves inside", m: 64, n: 100, k: 300),
    ]

    /// Under the kernels this process loaded: for every shape, transpose, α ∈ {1, 0.5},
    /// β ∈ {0, 1, 2}, dense and windowed leading dimensions, 2 and 3 threads give the bits of 1.
    func testSplitKeepsTheBitsOfTheWholeUnderTheLoadedKernels() {
        if let expected = ProcessInfo.processInfo.environment[Self.childKernelSetVariable] {
            XCTAssertEqual(GEMMBackend.current, .openBLAS)
            XCTAssertEqual(BLASRuntime.coreName.lowercased(), expected.lowercased(), "OpenBLAS did not load \(expected)")
        }
        if let expected = ProcessInfo.processInfo.environment[Self.childInstructionSetVariable] {
            XCTAssertEqual(GEMMBackend.current, .oneDNN)
            XCTAssertEqual(OneDNNMatmul.instructionSet, expected, "oneDNN did not limit itself to \(expected)")
        }
        var generator = RandomGenerator(seed: 21)
        var splitShapes = 0
        for shape in Self.shapes {
            let (m, n, k) = (shape.m, shape.n, shape.k)
            // Room for the windows: every stored row padded by `pad` floats.
            let pad = 3
            let a = Tensor.uniform([(m + pad) * (k + pad)], using: &generator).scalars
            let b = Tensor.uniform([(k + pad) * (n + pad)], using: &generator).scalars
            let start = Tensor.uniform([m * (n + pad)], using: &generator).scalars
            var splitOnce = false
            for windowed in [false, true] {
                for transposeA in [false, true] {
                    for transposeB in [false, true] {
                        let dense = GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k)
                        let layout = windowed
                            ? GEMMLayout(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                         lda: dense.lda + pad, ldb: dense.ldb + pad, ldc: dense.ldc + pad)
                            : dense
                        for alpha: Float in [1, 0.5] {
                            for beta: Float in [0, 1, 2] {
                                let name = "\(shape.name) \(m)×\(n)×\(k), transposes \(transposeA) \(transposeB), "
                                    + "α \(alpha), β \(beta)\(windowed ? ", windowed" : "")"
                                func product(threads: Int) -> [Float] {
                                    ComputeThreads.set(threads)
                                    var c = start
                                    c.withUnsafeMutableBufferPointer { c in
                                        BLAS.gemm(layout, alpha: alpha, a: a, b: b, beta: beta, c: c.baseAddress!)
                                    }
                                    return c
                                }
                                let one = product(threads: 1)
                                for threads in [2, 3] {
                                    let split = product(threads: threads)
                                    XCTAssert(one.withUnsafeBytes { one in split.withUnsafeBytes { memcmp(one.baseAddress!, $0.baseAddress!, one.count) == 0 } },
                                              "\(name), \(threads) threads: the split changed the result")
                                }
                                let split = GEMMBackend.current == .oneDNN
                                    ? GEMMBlocks.blocks(m: m, n: n, k: k).count > 1
                                    : GEMMSplit.rowBlocks(layout, parts: 2, granule: BLASRuntime.rowGranule).count > 1
                                if split { splitOnce = true }
                                assertProduct(one, layout: layout, alpha: alpha, a: a, b: b, beta: beta, start: start, name)
                            }
                        }
                    }
                }
            }
            if splitOnce { splitShapes += 1 }
        }
        // The check means something only where GEMMs are in fact split.
        if GEMMBackend.current == .oneDNN {
            XCTAssertGreaterThanOrEqual(splitShapes, 9, "too few shapes were split on oneDNN")
        } else if BLASRuntime.rowGranule != nil {
            XCTAssertGreaterThanOrEqual(splitShapes, 14, "too few shapes were split under \(BLASRuntime.coreName)")
        }
    }

    /// Spot-checks entries of C against the definition, in Double, and that the window's padding is untouched.
    private func assertProduct(_ c: [Float], layout: GEMMLayout, alpha: Float, a: [Float], b: [Float], beta: Float,
                               start: [Float], _ name: String) {
        let (m, n, k) = (layout.m, layout.n, layout.k)
        for (i, j) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3), (m - 1, 0)] {
            var sum = 0.0
            for p in 0..<k {
                let aValue = layout.transposeA ? a[p * layout.lda + i] : a[i * layout.lda + p]
                let bValue = layout.transposeB ? b[j * layout.ldb + p] : b[p * layout.ldb + j]
                sum += Double(aValue) * Double(bValue)
            }
            let expected = Double(alpha) * sum + Double(beta) * Double(start[i * layout.ldc + j])
            XCTAssertEqual(Double(c[i * layout.ldc + j]), expected, accuracy: 1e-3 * max(1, abs(expected)), "\(name) at (\(i), \(j))")
        }
        if layout.ldc > n {
            XCTAssertEqual(c[n], start[n], "\(name): wrote into the padding of C's window")
        }
    }

    /// Runs the check above in a child process for each kernel set this CPU can run, with
    /// `OPENBLAS_CORETYPE` set for that child only. A child killed by a signal means the kernel set
    /// cannot run here (OpenBLAS's Cooperlake kernels are reported to crash on some CPUs): it is
    /// named and skipped.
    func testSplitKeepsTheBitsUnderEveryKernelSet() throws {
        try XCTSkipIf(isChild, "already a child")
        let kernelSets = BLASRuntime.runnableKernelSets
        try XCTSkipIf(kernelSets.isEmpty, "this CPU runs none of \(BLASRuntime.kernelSets.map(\.name))")
        var unusable: [String] = []
        for kernelSet in kernelSets {
            let child = try runChild(test: "TensorCoreTests.SplitGEMMTests/testSplitKeepsTheBitsOfTheWholeUnderTheLoadedKernels",
                                     environment: ["OPENBLAS_CORETYPE": kernelSet.name, Self.childKernelSetVariable: kernelSet.name,
                                                   GEMMBackend.variable: GEMMBackend.openBLAS.rawValue])
            if child.reason == .uncaughtSignal {
                unusable.append("\(kernelSet.name) (signal \(child.status))")
                continue
            }
            XCTAssertEqual(child.status, 0, "under \(kernelSet.name): \(child.output.suffix(3000))")
            XCTAssert(child.output.contains("Executed 1 test"), "under \(kernelSet.name), the check did not run: \(child.output.suffix(2000))")
        }
        if !unusable.isEmpty {
            print("SplitGEMMTests: kernel sets that cannot run on this CPU, skipped: \(unusable.joined(separator: ", "))")
        }
    }

    /// The same check in a child process for each instruction set of oneDNN's this CPU has, with
    /// oneDNN limited to it (`ONEDNN_MAX_CPU_ISA`) for that child only: each picks other kernels.
    func testSplitKeepsTheBitsUnderEveryOneDNNInstructionSet() throws {
        try XCTSkipIf(isChild, "already a child")
        let instructionSets = OneDNNMatmul.runnableInstructionSets
        XCTAssertFalse(instructionSets.isEmpty, "oneDNN runs on every x86-64 CPU with SSE4.1")
        for instructionSet in instructionSets {
            let child = try runChild(test: "TensorCoreTests.SplitGEMMTests/testSplitKeepsTheBitsOfTheWholeUnderTheLoadedKernels",
                                     environment: ["ONEDNN_MAX_CPU_ISA": instructionSet, Self.childInstructionSetVariable: instructionSet,
                                                   GEMMBackend.variable: GEMMBackend.oneDNN.rawValue])
            XCTAssertEqual(child.status, 0, "under \(instructionSet): \(child.output.suffix(3000))")
            XCTAssert(child.output.contains("Executed 1 test"), "under \(instructionSet), the check did not run: \(child.output.suffix(2000))")
        }
    }

    private var isChild: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[Self.childKernelSetVariable] != nil || environment[Self.childInstructionSetVariable] != nil
    }

    private func runChild(test: String, environment extra: [String: String]) throws -> (status: Int32, reason: Process.TerminationReason, output: String) {
        try ChildTest.run(test, environment: extra)
    }

    /// The blocks cover C's rows in order, each cut at a multiple of the granule near an even share,
    /// each above the small-matrix kernels' volume; and no split where a block would fall below it.
    func testRowBlocksAreCutAtTheGranuleAndAboveTheSmallPaths() {
        let layout = GEMMLayout(transposeA: false, transposeB: true, m: 128, n: 400, k: 784)
        let blocks = GEMMSplit.rowBlocks(layout, parts: 2, granule: 12)
        XCTAssertEqual(blocks, [0..<60, 60..<128])
        XCTAssertEqual(GEMMSplit.rowBlocks(layout, parts: 2, granule: 4), [0..<64, 64..<128])
        XCTAssertEqual(GEMMSplit.rowBlocks(layout, parts: 3, granule: 4), [0..<44, 44..<84, 84..<128])
        XCTAssertEqual(GEMMSplit.rowBlocks(layout, parts: 2, granule: nil), [0..<128])
        XCTAssertEqual(GEMMSplit.rowBlocks(layout, parts: 1, granule: 4), [0..<128])
        // Too few rows for two blocks of the granule.
        let short = GEMMLayout(transposeA: false, transposeB: true, m: 16, n: 4096, k: 512)
        XCTAssertEqual(GEMMSplit.rowBlocks(short, parts: 2, granule: 12), [0..<12, 12..<16])
        XCTAssertEqual(GEMMSplit.rowBlocks(short, parts: 2, granule: 16), [0..<16])
        // Small work stays whole: a block would be below the small-matrix kernels' 10⁶.
        let small = GEMMLayout(transposeA: true, transposeB: false, m: 100, n: 100, k: 150)
        XCTAssertEqual(GEMMSplit.rowBlocks(small, parts: 2, granule: 4), [0..<100])
    }
}
