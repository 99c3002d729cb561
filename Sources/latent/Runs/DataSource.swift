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
