import Foundation
import CKernels
import XCTest
@testable import TensorCore
import TestSupport

/// The transpose kernel (`latent_transpose`, Sources/CKernels) and the layouts built on it
/// (``BatchLastLayout``, ``BatchedTranspose``) move every float to where the element-by-element
/// definition puts it, in every instruction-set variant this CPU can run (each forced in a child
/// process with LATENT_ELEMENTWISE_ISA).
final class TransposeKernelTests: XCTestCase {
    static let childVariable = "LATENT_TRANSPOSE_KERNEL_CHILD"

    /// Blocks below, at and past the 8 × 8 and 16 × 16 tiles in each direction, inside larger strided
    /// buffers: the floats between the block's rows and columns must stay untouched.
    func testKernelMatchesTheElementDefinition() {
        if let expected = ProcessInfo.processInfo.environment[Self.childVariable] {
            XCTAssertEqual(VectorKernels.instructionSet, expected, "the child did not run the variant it was given")
        }
        for (rows, columns) in [(1, 1), (3, 5), (8, 8), (8, 1_000), (1_000, 8), (9, 21), (15, 40), (16, 16), (16, 17), (17, 16), (32, 48), (33, 50), (16, 1_000), (1_000, 16), (5, 64)] {
            let (sourceStride, destinationStride) = (columns + 3, rows + 5)
            let source = (0..<(rows * sourceStride)).map { Float($0) + 0.5 }
            var destination = [Float](repeating: -1, count: columns * destinationStride)
            source.withUnsafeBufferPointer { from in
                destination.withUnsafeMutableBufferPointer { to in
                    latent_transpose(from.baseAddress!, sourceStride, to.baseAddress!, destinationStride, rows, columns)
                }
            }
            var wrong = 0
            for j in 0..<columns {
                for i in 0..<destinationStride {
                    let expected = i < rows ? source[i * sourceStride + j] : -1
                    if destination[j * destinationStride + i] != expected { wrong += 1 }
                }
            }
            XCTAssertEqual(wrong, 0, "\(rows) × \(columns) [\(VectorKernels.instructionSet)]")
        }
    }

    func testEveryVariantTheCPUCanRunMatchesInAChildProcess() throws {
        try ChildTest.assertPassesUnderEveryElementwiseVariant("TensorCoreTests.TransposeKernelTests/testKernelMatchesTheElementDefinition",
                                                               childVariable: Self.childVariable)
    }

    /// Batch-last and back, with and without threads, for batches that fill a tile, do not, and
    /// overrun it, and for a slice of each tensor (a row stride larger than the values moved).
    func testBatchLastLayoutMovesEveryValue() {
        for threads in [1, 2] {
            ComputeThreads.set(threads)
            defer { ComputeThreads.set(1) }
            for (batch, values, rowStride) in [(16, 3 * 1_024 + 7, 3 * 1_024 + 7), (5, 40_000, 40_000), (17, 300, 333), (1, 50, 50)] {
                let source = (0..<(batch * rowStride)).map { Float($0) }
                var batchLast = [Float](repeating: .nan, count: values * batch)
                var back = [Float](repeating: -1, count: batch * rowStride)
                source.withUnsafeBufferPointer { from in
                    batchLast.withUnsafeMutableBufferPointer { to in
                        BatchLastLayout.toBatchLast(from.baseAddress!, batch: batch, values: values, rowStride: rowStride, into: to.baseAddress!)
                    }
                }
                let misplaced = (0..<values).reduce(0) { count, x in
                    count + (0..<batch).filter { n in batchLast[x * batch + n] != source[n * rowStride + x] }.count
                }
                XCTAssertEqual(misplaced, 0, "to batch-last: N \(batch), X \(values), stride \(rowStride), \(threads) threads")
                batchLast.withUnsafeBufferPointer { from in
                    back.withUnsafeMutableBufferPointer { to in
                        BatchLastLayout.toBatchFirst(from.baseAddress!, batch: batch, values: values, rowStride: rowStride, into: to.baseAddress!)
                    }
                }
                let expectedBack = (0..<(batch * rowStride)).map { $0 % rowStride < values ? source[$0] : -1 }
                XCTAssertEqual(back, expectedBack, "back to batch-first: N \(batch), X \(values), stride \(rowStride), \(threads) threads")
            }
        }
    }
}
