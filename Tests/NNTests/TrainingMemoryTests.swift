import Foundation
import XCTest
import TensorCore
@testable import NN

/// The tape must not leak: a thousand training steps leave resident memory where it was.
final class TrainingMemoryTests: XCTestCase {
    /// Resident set size of this process in bytes, from /proc/self/statm.
    func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    func testThousandTrainingStepsDoNotGrowMemory() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/proc/self/statm"), "needs /proc")
        var generator = RandomGenerator(seed: 1)
        let model = Sequential([Linear(inputs: 64, outputs: 128, using: &generator), Activation(.relu),
                                Linear(inputs: 128, outputs: 64, using: &generator)])
        let optimizer = Adam(parameters: model.namedParameters)
        let x = Tensor.uniform([32, 64], using: &generator)
        func step() {
            let loss = model(x).binaryCrossEntropy(targets: x).sum(axis: 1).mean()
            optimizer.step(loss.backward())
        }
        for _ in 0..<100 { step() }   // let allocator pools settle
        let before = residentBytes()
        for _ in 0..<1000 { step() }
        let growth = residentBytes() - before
        // One step allocates about 150 KB of tensors; a leaked graph would add 150 MB over 1000 steps.
        XCTAssertLessThan(growth, 4 << 20, "resident memory grew by \(growth) bytes over 1000 steps")
    }
}
