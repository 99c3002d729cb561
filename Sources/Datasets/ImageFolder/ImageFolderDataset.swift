import Foundation

/// A folder of PNG or JPEG images, one subfolder per class (torchvision's ImageFolder
/// convention): `DIR/cat/001.png`, `DIR/dog/xyz.jpg`. Classes are the subfolders in name order,
/// labelled 0, 1, …; images inside a class are read in name order.
///
/// With `train/` and `test/` subfolders, each is such a folder and they are the two splits (test
/// classes must be training classes). Otherwise the test split is held out by
/// ``HeldOutTestSplit`` (10%, fixed seed).
///
/// Images are decoded by libpng and libjpeg-turbo (``ImageFileDecoder``). If every image is grey the
/// set has one channel, otherwise three, with grey images copied to R, G and B. Without an image
/// size all images must share one size; with one, each is scaled and centre-cropped to it
/// (``ImageResizing``).
public enum ImageFolderDataset {
    /// Whether `directory` looks like an image folder: some subfolder (or `train/` subfolder)
    /// holds a file with a PNG or JPEG name.
    public static func isImageFolder(_ directory: URL) -> Bool {
        let roots = hasTrainTestLayout(directory) ? [directory.appendingPathComponent("train")] : [directory]
        return roots.contains { root in
            classFolders(in: root).contains { !imageFiles(in: $0).isEmpty }
        }
    }

    /// Loads the folder's images and labels.
    ///
    /// - Parameter imageSize: N to scale and centre-crop every image to N×N; nil to require one size.
    /// - Throws: `ImageFolderError` naming the folder or file at fault.
    public static func load(directory: URL, imageSize: Int? = nil) throws(ImageFolderError) -> ImageDataset {
        if hasTrainTestLayout(directory) {
            let trainRoot = directory.appendingPathComponent("train"), testRoot = directory.appendingPathComponent("test")
            let classNames = classFolders(in: trainRoot).filter { !imageFiles(in: $0).isEmpty }.map(\.lastPathComponent)
            var files = labelledFiles(in: trainRoot, classNames: classNames)
            let trainCount = files.count
            for folder in classFolders(in: testRoot) where !imageFiles(in: folder).isEmpty {
                guard let label = classNames.firstIndex(of: folder.lastPathComponent) else {
                    throw .unknownTestClass(directory: directory.path, name: folder.lastPathComponent)
                }
                files += imageFiles(in: folder).map { ($0, label) }
            }
            guard trainCount > 0 else { throw .noImages(directory: trainRoot.path) }
            guard files.count > trainCount else { throw .noImages(directory: testRoot.path) }
            let all = try images(of: files, imageSize: imageSize)
            return ImageDataset(training: all.subset(Array(0..<trainCount)), test: all.subset(Array(trainCount..<all.count)),
                                classNames: classNames, testSplit: .files("test/"))
        }
        let classNames = classFolders(in: directory).filter { !imageFiles(in: $0).isEmpty }.map(\.lastPathComponent)
        let files = labelledFiles(in: directory, classNames: classNames)
        guard !files.isEmpty else { throw .noImages(directory: directory.path) }
        guard files.count >= 2 else { throw .tooFewImages(directory: directory.path, count: files.count) }
        let split = HeldOutTestSplit.split(try images(of: files, imageSize: imageSize))
        return ImageDataset(training: split.training, test: split.test, classNames: classNames, testSplit: split.source)
    }

    /// Decodes every file (all of them, so that every undecodable one is counted), settles the
    /// channels and the size, and lays the images out C×H×W.
    static func images(of files: [(url: URL, label: Int)], imageSize: Int?) throws(ImageFolderError) -> ImageSet {
        var decoded: [DecodedImage] = []
        var failures: [(path: String, reason: String)] = []
        for (url, _) in files {
            do {
                let bytes = try Data(contentsOf: url)
                let image = try ImageFileDecoder.decode(bytes)
                decoded.append(imageSize.map { ImageResizing.resizedAndCropped(image, to: $0) } ?? image)
            } catch let error as ImageDecodingError {
                failures.append((url.path, error.description))
            } catch {
                failures.append((url.path, "it cannot be read"))
            }
        }
        if let first = failures.first { throw .undecodable(path: first.path, reason: first.reason, others: failures.count - 1) }
        let reference = decoded[0]
        for (index, image) in decoded.enumerated() where (image.width, image.height) != (reference.width, reference.height) {
            throw .mixedSizes(firstPath: files[0].url.path, firstWidth: reference.width, firstHeight: reference.height,
                              path: files[index].url.path, width: image.width, height: image.height)
        }
        let channels = decoded.allSatisfy(\.isGrey) ? 1 : 3
        var levels: [UInt8] = []
        levels.reserveCapacity(decoded.count * channels * reference.width * reference.height)
        for image in decoded { levels += image.withChannels(channels).planes }
        return ImageSet(levels: levels, labels: files.map(\.label), channels: channels, rows: reference.height, columns: reference.width)
    }

    /// Whether `directory` has both `train/` and `test/` subfolders.
    static func hasTrainTestLayout(_ directory: URL) -> Bool {
        ["train", "test"].allSatisfy { isFolder(directory.appendingPathComponent($0)) }
    }

    /// The image files of every class, labelled by the class's place in `classNames`.
    static func labelledFiles(in root: URL, classNames: [String]) -> [(url: URL, label: Int)] {
        classNames.enumerated().flatMap { label, name in imageFiles(in: root.appendingPathComponent(name)).map { ($0, label) } }
    }

    /// The visible subfolders of `directory`, in name order.
    static func classFolders(in directory: URL) -> [URL] {
        contents(of: directory).filter(isFolder)
    }

    /// The visible files of `directory` named .png, .jpg or .jpeg (any case), in name order.
    static func imageFiles(in directory: URL) -> [URL] {
        contents(of: directory).filter { ImageFileDecoder.fileExtensions.contains($0.pathExtension.lowercased()) && !isFolder($0) }
    }

    private static func contents(of directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0) }
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
