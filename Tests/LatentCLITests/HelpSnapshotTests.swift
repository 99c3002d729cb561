import Foundation
import XCTest

/// Every subcommand keeps its flags' spelling and meaning: `--help` of each is compared with the
/// snapshot in Fixtures/help. A change of flags on purpose rewrites the snapshots with
/// `LATENT_WRITE_HELP_SNAPSHOTS=1` and shows in the diff.
final class HelpSnapshotTests: XCTestCase {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/help")

    static let commands: [[String]] = [
        [], ["train"],
        ["train", "vae"], ["train", "conv-vae"], ["train", "autoencoder"], ["train", "pixelcnn"], ["train", "pixelrnn"], ["train", "independent-pixels"],
        ["train", "sentence-vae"], ["train", "rnnlm"],
        ["eval"], ["sample"], ["reconstruct"], ["manifold"], ["interpolate"], ["encode"], ["attribute"], ["scatter"],
        ["complete"], ["generate"], ["homotopy"], ["report"],
    ]

    static func snapshot(_ command: [String]) -> URL {
        snapshots.appendingPathComponent((["latent"] + command).joined(separator: "-") + ".txt")
    }

    func testEverySubcommandsHelpMatchesItsSnapshot() throws {
        let writing = ProcessInfo.processInfo.environment["LATENT_WRITE_HELP_SNAPSHOTS"] == "1"
        if writing { try FileManager.default.createDirectory(at: Self.snapshots, withIntermediateDirectories: true) }
        for command in Self.commands {
            let help = try CLIHarness.run(command + ["--help"])
            XCTAssertEqual(help.status, 0, "latent \(command.joined(separator: " ")) --help: \(help.errors)")
            if writing {
                try Data(help.output.utf8).write(to: Self.snapshot(command))
                continue
            }
            let expected = try String(contentsOf: Self.snapshot(command), encoding: .utf8)
            XCTAssertEqual(help.output, expected, "latent \(command.joined(separator: " ")) --help changed")
        }
    }
}
