/// Why a folder of MNIST-format files could not be loaded as a dataset.
///
/// Problems inside one file are `IDXError`s; these are about the folder and about how the files
/// fit together. `description` is one sentence naming the folder or files involved.
public enum DatasetFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder does not exist. `installHint` is set for a folder a Debian package provides.
    case directoryMissing(path: String, installHint: String?)
    /// The path exists but is a file, not a folder.
    case notADirectory(path: String)
    /// Neither `fileName` nor `fileName.gz` is in the folder.
    case fileMissing(directory: String, fileName: String, installHint: String?)
    /// An image file and its label file disagree on the number of examples.
    case countMismatch(imagesPath: String, imageCount: Int, labelsPath: String, labelCount: Int)
    /// Training and test images have different sizes.
    case imageSizeMismatch(trainPath: String, trainRows: Int, trainColumns: Int,
                           testPath: String, testRows: Int, testColumns: Int)

    public var description: String {
        switch self {
        case .directoryMissing(let path, let hint):
            return "Dataset folder \(path) does not exist" + hintSuffix(hint)
        case .notADirectory(let path):
            return "Dataset path \(path) is a file, not a folder of IDX files."
        case .fileMissing(let directory, let fileName, let hint):
            return "Dataset folder \(directory) has neither \(fileName) nor \(fileName).gz" + hintSuffix(hint)
        case .countMismatch(let imagesPath, let imageCount, let labelsPath, let labelCount):
            return "\(imagesPath) holds \(imageCount) images but \(labelsPath) holds \(labelCount) labels; "
                + "they must match one to one."
        case .imageSizeMismatch(let trainPath, let trainRows, let trainColumns,
                                let testPath, let testRows, let testColumns):
            return "Training images in \(trainPath) are \(trainRows)×\(trainColumns) pixels but test images "
                + "in \(testPath) are \(testRows)×\(testColumns)."
        }
    }
}

/// Ends a sentence, adding how to get the missing data when that is known.
private func hintSuffix(_ hint: String?) -> String {
    guard let hint else { return "." }
    return "; \(hint)."
}
