import Datasets
import Foundation

/// Resolves `--data` to image splits. The name `fashion-mnist` is Debian's dataset-fashion-mnist
/// package; a folder is recognised by what it holds (``DataSource/Kind``): the four MNIST-format
/// files, CIFAR-10 batches, or PNG and JPEG images in one subfolder per class.
enum DataSource {
    struct Splits {
        let training: ImageSet
        let validation: ImageSet?
        let test: ImageSet
        /// One name per label where the data name their classes (CIFAR-10, image folders).
        var classNames: [String]? = nil
        /// Where the test images came from: the folder's test files, or training images held out
        /// because it has none; a run can record it beside its figures.
        var testSplit: TestSplitSource = .files("t10k-images-idx3-ubyte")

        /// 1 for grey images, 3 for colour.
        var channels: Int { training.channels }
    }

    /// The kinds of folder `--data` accepts.
    enum Kind: Equatable {
        case mnistFormat
        case cifar10
        case imageFolder
    }

    /// The images `name` holds. `imageSize` scales and centre-crops an image folder's images to
    /// N×N; `validationCount` training images are held out for validation, chosen with `seed`.
    /// When the test images are held out of the training images, a note says so on stderr.
    static func load(_ name: String, imageSize: Int? = nil, validationCount: Int = 0, seed: UInt64 = 1) throws -> Splits {
        let directory = name == "fashion-mnist" ? MNISTFormatDataset.fashionMNISTDirectory : URL(fileURLWithPath: name)
        let kind = name == "fashion-mnist" ? .mnistFormat : try self.kind(of: directory, named: name)
        if let imageSize, kind != .imageFolder {
            throw CommandError("--image-size \(imageSize) applies to a folder of PNG or JPEG images, but --data \(name) is \(kind == .cifar10 ? "a CIFAR-10 folder" : "an MNIST-format folder").")
        }
        var splits: Splits
        do {
            switch kind {
            case .mnistFormat:
                let dataset = try MNISTFormatDataset(directory: directory)
                splits = Splits(training: ImageSet(dataset.train), validation: nil, test: ImageSet(dataset.test))
            case .cifar10:
                splits = Splits(try CIFAR10Folder.load(directory: directory))
            case .imageFolder:
                splits = Splits(try ImageFolderDataset.load(directory: directory, imageSize: imageSize))
            }
        } catch {
            throw CommandError("--data \(name): \(error)")
        }
        if splits.testSplit.isHeldOut {
            FileHandle.standardError.write(Data("--data \(name) has no test images of its own: \(splits.testSplit) are the test split.\n".utf8))
        }
        guard validationCount > 0 else { return splits }
        guard validationCount < splits.training.count else {
            throw CommandError("--validation \(validationCount) must be smaller than the \(splits.training.count) training images.")
        }
        let (rest, validation) = splits.training.splittingValidation(count: validationCount, seed: seed)
        return Splits(training: rest, validation: validation, test: splits.test, classNames: splits.classNames, testSplit: splits.testSplit)
    }

    /// What kind of data folder `directory` is, by its contents: MNIST-format files first, then
    /// CIFAR-10 batches, then class subfolders of images.
    static func kind(of directory: URL, named name: String) throws -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw CommandError("--data \(name): \(DatasetFolderError.directoryMissing(path: directory.path, installHint: nil))")
        }
        guard isDirectory.boolValue else {
            throw CommandError("--data \(name) is a file; it must be fashion-mnist or a folder of MNIST-format files, CIFAR-10 batches or class subfolders of images.")
        }
        let mnistFiles = MNISTFormatDataset.Split.allCases.flatMap { [$0.imagesFileName, $0.labelsFileName] }
        if mnistFiles.contains(where: { (try? MNISTFormatDataset.locateFile(named: $0, in: directory)) != nil }) { return .mnistFormat }
        if CIFAR10Folder.isCIFARFolder(directory) { return .cifar10 }
        if ImageFolderDataset.isImageFolder(directory) { return .imageFolder }
        throw CommandError("--data \(name) is none of the folders Latent reads: MNIST-format files (train-images-idx3-ubyte …), "
            + "CIFAR-10 batches (data_batch_1.bin …), or PNG and JPEG images in one subfolder per class.")
    }
}

extension DataSource.Splits {
    /// The splits of a CIFAR-10 folder or an image folder.
    init(_ dataset: ImageDataset) {
        self.init(training: dataset.training, validation: nil, test: dataset.test, classNames: dataset.classNames, testSplit: dataset.testSplit)
    }

    /// Refuses colour images for a model of grey images, in one sentence naming the data and the
    /// command (`trainCommand` as `latent train` spells it).
    func requireGrey(data: String, trainCommand: String) throws {
        guard training.isColour else { return }
        throw CommandError("--data \(data) holds colour images; `latent train \(trainCommand)` models grey images.")
    }

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
