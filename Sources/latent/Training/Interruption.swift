import Foundation

/// Ctrl-C during training: the first SIGINT asks the loop to stop after the current batch, save
/// a consistent checkpoint and exit; a second one ends the process at once.
enum Interruption {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    static var isRequested: Bool { requested != 0 }

    static func install() {
        signal(SIGINT) { _ in
            if Interruption.requested != 0 { _exit(130) }
            Interruption.requested = 1
        }
    }

    /// The error a training command ends with after stopping for Ctrl-C and saving its checkpoint:
    /// where it stopped and the command that continues the run.
    static func stoppedError(epoch: Int, batch: Int, trainCommand: String, folder: URL) -> CommandError {
        CommandError("Interrupted: saved a checkpoint at epoch \(epoch), batch \(batch); "
                     + "continue with: latent train \(trainCommand) --out \(folder.path) --resume", collective: true)
    }
}
