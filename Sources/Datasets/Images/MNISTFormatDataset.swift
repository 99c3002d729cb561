import Foundation

/// A folder holding a dataset in MNIST's four-file layout: training and test images (idx3) and
/// labels (idx1), each either raw or gzip-compressed.
///
/// MNIST, Fashion-MNIST and KMNIST all ship this way, with these file names:
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`, each optionally followed by `.gz`.
public struct MNISTFormatDataset: Sendable, Equatable {
    /// Which half of the dataset.
    public enum Split: String, Sendable, CaseIterable {
        case train
        case test

        /// Standard name of the image file, without `.gz`.
        public var imagesFileName: String {
            switch self {
            case .train: "train-images-idx3-ubyte"
            case .test: "t10k-images-idx3-ubyte"
            }
        }

        /// Standard name of the label file, without `.gz`.
        public var labelsFileName: String {
            switch self {
            case .train: "train-labels-idx1-ubyte"
            case .test: "t10k-labels-idx1-ubyte"
            }
        }
    }

    /// Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST (gzip files).
    public static let fashionMNISTDirectory =
        URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist", isDirectory: true)

    /// What to tell someone whose Fashion-MNIST folder or file is missing.
    static let fashionMNISTInstallHint = "`apt-get install dataset-fashion-mnist` provides it"

    /// The folder the dataset was read from.
    public let directory: URL
    /// 60,000 examples in MNIST and Fashion-MNIST.
    public let train: LabeledImages
    /// 10,000 examples in MNIST and Fashion-MNIST.
    public let test: LabeledImages

    /// Height of every image, training and test alike.
    public var rows: Int { train.images.rows }
    /// Width of every image, training and test alike.
    public var columns: Int { train.images.columns }

    /// Loads both splits from `directory` and checks that they fit together.
    ///
    /// - Throws: `DatasetFolderError` for a missing folder or file, mismatched image and label
    ///   counts or differing image sizes; `IDXError` for a file that cannot be read as IDX.
    public init(directory: URL = MNISTFormatDataset.fashionMNISTDirectory) throws {
        let train = try Self.load(.train, from: directory)
        let test = try Self.load(.test, from: directory)
        guard train.images.rows == test.images.rows, train.images.columns == test.images.columns else {
            throw DatasetFolderError.imageSizeMismatch(
                trainPath: train.imagesURL.path, trainRows: train.images.rows, trainColumns: train.images.columns,
                testPath: test.imagesURL.path, testRows: test.images.rows, testColumns: test.images.columns)
        }
        self.directory = directory
        self.train = train
        self.test = test
    }

    /// Loads Fashion-MNIST from where Debian's `dataset-fashion-mnist` package puts it.
    public static func fashionMNIST() throws -> MNISTFormatDataset {
        try MNISTFormatDataset(directory: fashionMNISTDirectory)
    }

    /// Loads one split only, e.g. the 10,000 test examples without the 47 MB training images.
    ///
    /// - Throws: as `init(directory:)`, except that image sizes are not compared across splits.
    public static func load(_ split: Split, from directory: URL) throws -> LabeledImages {
        let imagesURL = try locateFile(named: split.imagesFileName, in: directory)
        let labelsURL = try locateFile(named: split.labelsFileName, in: directory)
        let images = try IDX.readImages(at: imagesURL)
        let labels = try IDX.readLabels(at: labelsURL)
        return try LabeledImages(images: images, labels: labels, imagesURL: imagesURL, labelsURL: labelsURL)
    }

    /// Finds `name` or `name.gz` in `directory`, preferring the raw file, which reads faster.
    ///
    /// - Throws: `DatasetFolderError` if the folder or both files are missing.
    public static func locateFile(named name: String, in directory: URL) throws(DatasetFolderError) -> URL {
        let fileManager = FileManager.default
        let hint = isFashionMNISTDirectory(directory) ? fashionMNISTInstallHint : nil
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory) else {
            throw .directoryMissing(path: directory.path, installHint: hint)
        }
        guard isDirectory.boolValue else {
            throw .notADirectory(path: directory.path)
        }
        for candidate in [name, name + ".gz"] {
            let url = directory.appendingPathComponent(candidate)
            if fileManager.fileExists(atPath: url.path) { return url }
        }
        throw .fileMissing(directory: directory.path, fileName: name, installHint: hint)
    }

    /// Whether `directory` is the Debian Fashion-MNIST location, however it is spelled
    /// (trailing slash, `..` components).
    private static func isFashionMNISTDirectory(_ directory: URL) -> Bool {
        directory.standardizedFileURL.path == fashionMNISTDirectory.standardizedFileURL.path
    }
}
