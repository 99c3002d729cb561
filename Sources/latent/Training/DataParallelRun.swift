import ArgumentParser
import DataParallel
import Datasets
import Foundation
import GenerativeModels

/// `mpirun -np N latent train …`: one training across N processes (``Trainer/trainDataParallel(with:)``).
///
/// Every process runs the whole command; only rank 0 speaks and writes the run folder. The others
/// are silent and keep their copy of the run in a private temporary folder (rank 0 sends them what
/// a resumed run reads), so every process goes through the same steps, collectives included, and
/// the run folder has one writer. A failure on any process ends the whole job (MPI_Abort), so no
/// process waits forever for one that has gone.
enum DataParallelRun {
    /// The job's processes when this training runs in several; nil for a process on its own.
    nonisolated(unsafe) static var group: MPIProcessGroup?

    /// Runs the command line `arguments` as one process of an mpirun job of several, then ends MPI.
    /// Only `latent train` runs across processes.
    static func main(_ arguments: [String]) -> Never {
        guard arguments.first == "train" else {
            if MPIProcessGroup.launchedRank == 0 {
                FileHandle.standardError.write(Data("Error: only `latent train` runs across processes; run `latent \(arguments.first ?? "")` without mpirun.\n".utf8))
            }
            exit(1)
        }
        let group = MPIProcessGroup.start()
        Self.group = group
        if !group.isLeader { silenceOutput() }
        do {
            var command = try Latent.parseAsRoot(arguments)
            try command.run()
            group.finish()
            exit(0)
        } catch {
            let code = Latent.exitCode(for: error)
            if group.isLeader {
                let message = Latent.fullMessage(for: error)
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                if !message.isEmpty { stream.write(Data((message + "\n").utf8)) }
            }
            // Every process stops here together: each finishes (rank 0 has written its checkpoint).
            if code == .success || (error as? CommandError)?.isCollective == true {
                group.barrier()
                group.finish()
                exit(code.rawValue)
            }
            group.abort(code: code.rawValue)
        }
    }

    /// Points standard output and standard error at /dev/null: the other ranks repeat rank 0's output.
    private static func silenceOutput() {
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        dup2(null, STDERR_FILENO)
        close(null)
    }

    // MARK: The run folder

    /// Runs `body` in the run folder of this process: `folder` itself on rank 0, which holds it
    /// (``RunControlOptions/holding(_:_:)``), and a private temporary copy on the others, deleted afterwards. Every
    /// process checks first that all were started with the same command line; rank 0 then sends
    /// the others what a resumed run reads.
    static func whileHolding(_ folder: RunFolder, group: MPIProcessGroup, control: RunControlOptions,
                             _ body: (RunFolder) throws -> Void) throws {
        guard group.allHold(Array(CommandLine.arguments.joined(separator: "\u{0}").utf8)) else {
            throw CommandError("The \(group.size) processes were started with different command lines; every rank of `mpirun` must run the same `latent train` command.", collective: true)
        }
        if group.isLeader {
            try control.holding(folder) {
                shareRunFiles(of: folder, group: group)
                try body(folder)
            }
            return
        }
        removeCopiesOfEndedProcesses()
        let copy = RunFolder(FileManager.default.temporaryDirectory
            .appendingPathComponent("\(copyPrefix)\(group.rank)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path)
        try copy.createDirectory()
        defer { try? FileManager.default.removeItem(at: copy.url) }
        shareRunFiles(of: copy, group: group)
        try body(copy)
    }

    /// How the temporary run folders of ranks other than 0 begin: "latent-rank<rank>-<pid>-<random>".
    private static let copyPrefix = "latent-rank"

    /// Deletes the temporary run folders of processes that are gone. A rank that is killed (by
    /// MPI_Abort when another rank fails, or by a signal) cannot delete its own; a copy whose
    /// process is still running, this job's or another's, is left alone.
    private static func removeCopiesOfEndedProcesses() {
        let temporary = FileManager.default.temporaryDirectory
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix(copyPrefix) {
            let fields = name.dropFirst(copyPrefix.count).split(separator: "-")
            guard fields.count == 3, let pid = pid_t(fields[1]), pid > 0 else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(name))
            }
        }
    }

    /// The files a resumed run reads, sent from rank 0's run folder into the others' copies.
    private static func shareRunFiles(of folder: RunFolder, group: MPIProcessGroup) {
        for file in [folder.configuration, folder.checkpoint, folder.metrics, folder.url.appendingPathComponent(Vocabulary.fileName)] {
            // One more than the length, so that 0 says the file is not there.
            let contents = group.isLeader ? (try? Data(contentsOf: file)).map { [UInt8]($0) } : nil
            var length = [UInt64(contents.map { $0.count + 1 } ?? 0)]
            group.maximumInPlace(&length)   // only rank 0 contributes
            guard length[0] > 0 else { continue }
            var bytes = contents ?? [UInt8](repeating: 0, count: Int(length[0]) - 1)
            group.broadcast(&bytes, from: 0)
            if !group.isLeader { try? Data(bytes).write(to: file) }
        }
    }

    /// What an epoch spent on the gradients' allreduce, for the log.
    struct Communication {
        let bytesPerStep: Int
        let startingSeconds: Double, startingStep: Int
        /// The optimizer's steps so far.
        let stepCount: () -> Int

        /// Starts counting, when the trainer shares its batches with other processes.
        init?<Batch>(training: Trainer<Batch>) {
            guard let group = DataParallelRun.group else { return nil }
            (bytesPerStep, startingSeconds) = (training.allreduceBytesPerStep, group.secondsInSums)
            startingStep = training.optimizer.stepCount
            stepCount = { training.optimizer.stepCount }
        }

        /// Logs the epoch's allreduce time per step and its share of the epoch's `seconds` of training.
        func report(epoch: Int, seconds: Double) {
            guard let group = DataParallelRun.group else { return }
            let steps = Swift.max(stepCount() - startingStep, 1)
            let spent = group.secondsInSums - startingSeconds
            TrainingLog.write(String(format: "epoch %d: %d processes; allreduce of %.2f MB per step took %.2f ms per step, %.1f%% of training",
                                     epoch, group.size, Double(bytesPerStep) / 1e6, 1000 * spent / Double(steps), 100 * spent / Swift.max(seconds, 1e-9)))
        }
    }

    /// Makes `trainer` train with the job's processes. Three variables of the environment, for
    /// tests and benchmarks: LATENT_COMPARE_REPLICAS=1 compares the replicas after every step,
    /// LATENT_ALLREDUCE_BUCKET_MB sets the buckets' size (default 1), LATENT_ALLREDUCE_OVERLAP=0
    /// sums the gradients after backward rather than during it.
    static func join<Batch>(_ trainer: Trainer<Batch>, to group: MPIProcessGroup) {
        let environment = ProcessInfo.processInfo.environment
        let megabytes = Double(environment["LATENT_ALLREDUCE_BUCKET_MB"] ?? "")
        trainer.trainDataParallel(with: group, bucketBytes: megabytes.map { Int($0 * 1_048_576) } ?? Trainer<Batch>.defaultBucketBytes,
                                  overlapping: environment["LATENT_ALLREDUCE_OVERLAP"] != "0")
        trainer.comparesReplicasEveryStep = environment["LATENT_COMPARE_REPLICAS"] == "1"
    }

    // MARK: Checks

    /// Refuses a group larger than the batch: some processes would have no examples.
    static func check(batchSize: Int) throws {
        guard let group, group.size > batchSize else { return }
        throw CommandError("mpirun started \(group.size) processes for batches of \(batchSize) images or sentences; "
            + "use at most \(batchSize) processes or a larger --batch-size.", collective: true)
    }
}
