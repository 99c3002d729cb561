import Datasets
import Foundation

/// Resolves `--data` to image splits: `fashion-mnist` (Debian's dataset-fashion-mnist package) or
/// any folder with the four MNIST-format files.
enum DataSource {
    struct Splits {
        let training: ImageSet
        let validation: ImageSet?
        let test: ImageSet
    }

    static func load(_ name: String, validationCount: Int = 0, seed: UInt64 = 1) throws -> Splits {
        let directory = name == "fashion-mnist" ? MNISTFormatDataset.fashionMNISTDirectory : URL(fileURLWithPath: name)
        let dataset: MNISTFormatDataset
        do {
            dataset = try MNISTFormatDataset(directory: directory)
        } catch {
            throw CommandError("--data \(name): \(error)")
        }
        let training = ImageSet(dataset.train), test = ImageSet(dataset.test)
        guard validationCount > 0 else { return Splits(training: training, validation: nil, test: test) }
        guard validationCount < training.count else {
            throw CommandError("--validation \(validationCount) must be smaller than the \(training.count) training images.")
        }
        let (rest, validation) = training.splittingValidation(count: validationCount, seed: seed)
        return Splits(training: rest, validation: validation, test: test)
    }
}

extension DataSource.Splits {
    /// Checks what a new run needs of the splits before it starts: batches no larger than the
    /// training split, and for a conditional model, labels of every split inside the classes of
    /// the training labels (a test label beyond them would otherwise stop the run at its first
    /// evaluation).
    func checkForTraining(batchSize: Int, conditionalClasses classes: Int?, data: String) throws {
        guard batchSize <= training.count else {
            throw CommandError("--batch-size \(batchSize) is larger than the \(training.count) training images of \(data).")
        }
        guard let classes else { return }
        for (name, split) in [("validation", validation), ("test", test)] {
            if let label = split?.labels.first(where: { $0 < 0 || $0 >= classes }) {
                throw CommandError("--data \(data): a \(name) label is \(label), outside the \(classes) classes of the training labels.")
            }
        }
    }
}
