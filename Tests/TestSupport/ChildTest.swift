import Foundation
import TensorCore
import XCTest

/// One test of this test binary run again in a child process with its own environment: how the
/// suite checks code paths chosen once per process (an instruction set, a GEMM backend).
public enum ChildTest {
    /// Runs `test` ("Module.Class/testMethod") with `environment` added to this process's, and
    /// returns how it ended and what it printed.
    public static func run(_ test: String, environment: [String: String]) throws
        -> (status: Int32, reason: Process.TerminationReason, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [test]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason, output)
    }

    /// Runs `test` as ``run(_:environment:)`` does and asserts that it ran and passed, naming
    /// `label` and showing the end of its output if not.
    public static func assertPasses(_ test: String, environment: [String: String], label: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let child = try run(test, environment: environment)
        XCTAssertEqual(child.status, 0, "\(label):\n\(child.output.suffix(2000))", file: file, line: line)
        XCTAssertTrue(child.output.contains("Executed 1 test"), "\(label) ran no test:\n\(child.output.suffix(2000))", file: file, line: line)
    }

    /// Runs `test` once per elementwise kernel variant this CPU can run, each child forced to it
    /// with `LATENT_ELEMENTWISE_ISA` and told which it is by `childVariable`, and asserts that
    /// every one passed.
    public static func assertPassesUnderEveryElementwiseVariant(_ test: String, childVariable: String,
                                                               file: StaticString = #filePath, line: UInt = #line) throws {
        for variant in elementwiseVariants {
            try assertPasses(test, environment: ["LATENT_ELEMENTWISE_ISA": variant, childVariable: variant],
                             label: "variant \(variant)", file: file, line: line)
        }
    }

    /// The elementwise kernel variants (`LATENT_ELEMENTWISE_ISA`) this CPU can run, from its
    /// /proc/cpuinfo flags.
    public static var elementwiseVariants: [String] {
        let flags = CPUInfo.flags
        var variants = ["baseline"]
        if flags.contains("avx2") && flags.contains("fma") { variants.append("avx2") }
        if ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy(flags.contains) { variants.append("avx512") }
        return variants
    }
}
