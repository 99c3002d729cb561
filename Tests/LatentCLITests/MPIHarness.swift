import Foundation
import XCTest

/// Runs `latent` under Open MPI's mpirun, as a user starts a data parallel training on one machine.
enum MPIHarness {
    /// mpirun, from Debian's openmpi-bin.
    static let mpirun = URL(fileURLWithPath: "/usr/bin/mpirun")

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: mpirun.path) }

    /// The environment of an mpirun child: as root, Open MPI wants both confirmations; the test's
    /// own extras on top.
    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment
            .merging(["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"]) { $1 }
            .merging(extra) { $1 }
    }

    /// `mpirun -np ranks latent arguments…` (ranks may exceed the cores), or, given `perRank`,
    /// one program per rank with its own arguments (`-np 1 latent a… : -np 1 latent b…`).
    static func process(ranks: Int, _ arguments: [String], perRank: [[String]]? = nil, environment extra: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = mpirun
        var mpiArguments = ["--oversubscribe", "--bind-to", "none"]
        if let perRank {
            for (index, rankArguments) in perRank.enumerated() {
                mpiArguments += (index > 0 ? [":"] : []) + ["-np", "1", CLIHarness.executable.path] + rankArguments
            }
        } else {
            mpiArguments += ["-np", String(ranks), CLIHarness.executable.path] + arguments
        }
        process.arguments = mpiArguments
        process.environment = environment(extra)
        return process
    }

    /// Runs the job to completion.
    @discardableResult
    static func run(ranks: Int, _ arguments: [String], perRank: [[String]]? = nil, environment: [String: String] = [:]) throws -> CLIHarness.Result {
        try CLIHarness.run(process(ranks: ranks, arguments, perRank: perRank, environment: environment))
    }

    /// The model's weights in a run's checkpoint, in tensor-name order.
    static func weights(_ run: URL) throws -> [Float] {
        let bytes = try CLIHarness.modelBytes(run)
        return bytes.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
    }

    /// The largest |a − b| over two runs' weights.
    static func largestWeightDifference(_ a: URL, _ b: URL) throws -> Float {
        let (first, second) = (try weights(a), try weights(b))
        XCTAssertEqual(first.count, second.count)
        return zip(first, second).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
