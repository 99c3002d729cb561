import Foundation

/// A folder in CIFAR-10's binary layout (`cifar-10-batches-bin/`): any of the training batches
/// `data_batch_1.bin` … `data_batch_5.bin`, optionally `test_batch.bin`, and `batches.meta.txt`
/// with the ten class names, one per line.
///
/// Without `test_batch.bin` the test split is held out of the training batches by
/// ``HeldOutTestSplit`` (10%, fixed seed). To train on one file and test on another, link the other
/// as `test_batch.bin` (a symbolic link is followed).
public enum CIFAR10Folder {
    public static let trainingBatchNames = (1...5).map { "data_batch_\($0).bin" }
    public static let testBatchName = "test_batch.bin"
    public static let metaName = "batches.meta.txt"
    /// The class names of CIFAR-10, for a folder without batches.meta.txt.
    public static let standardClassNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    /// Whether `directory` holds any CIFAR-10 batch file by name.
    public static func isCIFARFolder(_ directory: URL) -> Bool {
        (trainingBatchNames + [testBatchName]).contains { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }

    /// Loads every training batch present (in order), the test batch or a held-out test split, and
    /// the class names (batches.meta.txt, or CIFAR-10's own when the file is absent).
    ///
    /// - Throws: `CIFARError` naming the file or folder at fault.
    public static func load(directory: URL) throws(CIFARError) -> ImageDataset {
        let fileManager = FileManager.default
        let trainingURLs = trainingBatchNames.map { directory.appendingPathComponent($0) }.filter { fileManager.fileExists(atPath: $0.path) }
        guard !trainingURLs.isEmpty else { throw .noTrainingBatch(directory: directory.path) }
        let classNames = try readClassNames(directory.appendingPathComponent(metaName))
        var levels: [UInt8] = [], labels: [Int] = []
        for url in trainingURLs {
            let batch = try read(url)
            levels += batch.levels
            labels += batch.labels
        }
        let training = images(levels: levels, labels: labels)
        let testURL = directory.appendingPathComponent(testBatchName)
        if fileManager.fileExists(atPath: testURL.path) {
            let test = try read(testURL)
            return ImageDataset(training: training, test: images(levels: test.levels, labels: test.labels),
                                classNames: classNames, testSplit: .files(testBatchName))
        }
        guard training.count >= 2 else { throw .tooFewImages(directory: directory.path, count: training.count) }
        let split = HeldOutTestSplit.split(training)
        return ImageDataset(training: split.training, test: split.test, classNames: classNames, testSplit: split.source)
    }

    /// The records of one batch file, named in any error.
    private static func read(_ url: URL) throws(CIFARError) -> (labels: [Int], levels: [UInt8]) {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try CIFARBatch.records(bytes, path: url.path)
    }

    private static func images(levels: [UInt8], labels: [Int]) -> ImageSet {
        ImageSet(levels: levels, labels: labels, channels: CIFARBatch.channels, rows: CIFARBatch.rows, columns: CIFARBatch.columns)
    }

    /// The non-empty lines of batches.meta.txt, which must be ten; CIFAR-10's names without the file.
    static func readClassNames(_ url: URL) throws(CIFARError) -> [String] {
        guard FileManager.default.fileExists(atPath: url.path) else { return standardClassNames }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(path: url.path, reason: "it is not UTF-8 text")
        }
        let names = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == CIFARBatch.classCount else { throw .classNameCount(path: url.path, count: names.count) }
        return names
    }
}
