import Foundation
import CKernels
import XCTest
@testable import TensorCore
import TestSupport

/// The elementwise kernels chosen at run time by instruction set (``VectorKernels``) compute what
/// the engine's scalar definitions compute (``FastMath``), in every variant this CPU can run: each
/// variant is forced in a child process with LATENT_ELEMENTWISE_ISA.
final class VectorKernelTests: XCTestCase {
    /// Names the variant a child process must have chosen.
    static let childVariable = "LATENT_VECTOR_KERNEL_CHILD"

    /// Values over the functions' whole range: a dense grid, the clamping bounds of exp, the
    /// switch of tanh's two formulas at |x| = 0.25, zero and tiny values. Lengths that are not a
    /// multiple of any vector width, so every variant's remainder loop runs too.
    static let inputs: [Float] = {
        var values = stride(from: -100, through: 100, by: 0.0137).map { Float($0) }
        values += [0, -0, 1e-30, -1e-30, 1e-7, 0.25, -0.25, 0.2499999, 87.33, -87.33, 88.37, 88.4, -88.4, 200, -200]
        return values
    }()

    /// |got − expected| within `relative` of |expected|, or 1e-7 absolute near zero.
    func assertClose(_ got: [Float], _ expected: [Float], relative: Float, _ name: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, expected.count, name, file: file, line: line)
        var worst: (error: Float, index: Int) = (0, 0)
        for (index, (a, b)) in zip(got, expected).enumerated() {
            let error = Swift.abs(a - b) / Swift.max(Swift.abs(b), 1e-7 / relative)
            if !(error <= worst.error) { worst = (error, index) }
        }
        XCTAssertLessThanOrEqual(worst.error, relative,
                                 "\(name) [\(VectorKernels.instructionSet)]: at x = \(Self.inputs[worst.index]) got \(got[worst.index]), expected \(expected[worst.index])",
                                 file: file, line: line)
    }

    func testKernelsMatchTheScalarDefinitions() {
        if let expected = ProcessInfo.processInfo.environment[Self.childVariable] {
            XCTAssertEqual(VectorKernels.instructionSet, expected, "the child did not run the variant it was given")
        }
        let x = Tensor(shape: [Self.inputs.count], scalars: Self.inputs)
        // Fused multiply-adds in the AVX2 and AVX-512 variants round differently from the scalar
        // definitions: a few ulp.
        assertClose(x.exp().scalars, Self.inputs.map { FastMath.exp($0) }, relative: 1e-6, "exp")
        assertClose(x.sigmoid().scalars, Self.inputs.map { Sigmoid().value($0) }, relative: 1e-6, "sigmoid")
        assertClose(x.tanh().scalars, Self.inputs.map { FastMath.tanh($0) }, relative: 1e-6, "tanh")
        // In place, as the spatial LSTM cell calls them.
        var values = Self.inputs
        values.withUnsafeMutableBufferPointer { VectorKernels.sigmoidInPlace($0.baseAddress!, count: $0.count) }
        assertClose(values, Self.inputs.map { Sigmoid().value($0) }, relative: 1e-6, "sigmoid in place")
        values = Self.inputs
        values.withUnsafeMutableBufferPointer { VectorKernels.tanhInPlace($0.baseAddress!, count: $0.count) }
        assertClose(values, Self.inputs.map { FastMath.tanh($0) }, relative: 1e-6, "tanh in place")
        // The column softmax, on the inputs as a block of 7 rows (the last column's tail left out):
        // a stride wider than the columns read, and sums of 7 terms in the same order.
        let columns = Self.inputs.count / 7 - 3, stride = columns + 3
        var exps = [Float](repeating: 0, count: 7 * columns), largest = [Float](repeating: 0, count: columns)
        var sums = largest
        VectorKernels.softmaxColumns(Self.inputs, xStride: stride, exps: &exps, expsStride: columns, rows: 7,
                                     columns: columns, largest: &largest, sum: &sums)
        let expectedLargest = (0..<columns).map { j in (0..<7).map { Self.inputs[$0 * stride + j] }.max()! }
        let expectedExps = (0..<7 * columns).map { index in
            FastMath.exp(Self.inputs[index / columns * stride + index % columns] - expectedLargest[index % columns])
        }
        XCTAssertEqual(largest, expectedLargest, "softmax columns: largest")
        assertClose(exps, expectedExps, relative: 1e-6, "softmax columns: exps")
        assertClose(sums, (0..<columns).map { j in (0..<7).reduce(Float(0)) { $0 + expectedExps[$1 * columns + j] } },
                    relative: 1e-6, "softmax columns: sums")
        // bf16 packing: exactly BFloat16Rounding's bits, ties, infinities, NaNs and overflow too.
        let ulp: Float = 1.0 / 128
        let specials: [Float] = [1 + ulp / 2, 1 + 3 * ulp / 2, -(1 + ulp / 2), .infinity, -.infinity, .nan, -.nan,
                                 .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0, -0.0]
        let roundable = Self.inputs + specials
        var bits = [UInt16](repeating: 0, count: roundable.count)
        latent_bf16_bits(roundable, &bits, roundable.count)
        XCTAssertEqual(bits, roundable.map(BFloat16Rounding.bits), "bf16 bits [\(VectorKernels.instructionSet)]")
        // And against libm, to the functions' documented accuracy.
        assertClose(x.tanh().scalars, Self.inputs.map { Foundation.tanh($0) }, relative: 2e-6, "tanh against libm")
    }

    func testEveryVariantTheCPUCanRunMatchesInAChildProcess() throws {
        try XCTSkipIf(ProcessInfo.processInfo.environment[Self.childVariable] != nil, "already a child")
        try ChildTest.assertPassesUnderEveryElementwiseVariant("TensorCoreTests.VectorKernelTests/testKernelsMatchTheScalarDefinitions",
                                                               childVariable: Self.childVariable)
    }
}
