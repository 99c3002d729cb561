/// Why a folder of image files could not be loaded. `description` is one sentence naming the
/// folder or file at fault.
public enum ImageFolderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No PNG or JPEG file in any class subfolder.
    case noImages(directory: String)
    /// Files that did not decode: the first with its reason, and how many more.
    case undecodable(path: String, reason: String, others: Int)
    /// Images of different sizes without `--image-size` to bring them to one.
    case mixedSizes(firstPath: String, firstWidth: Int, firstHeight: Int, path: String, width: Int, height: Int)
    /// A folder with one image and no test/ subfolder: nothing to hold out for testing.
    case tooFewImages(directory: String, count: Int)
    /// A class under test/ that train/ does not have.
    case unknownTestClass(directory: String, name: String)
    /// The folder or a subfolder could not be listed.
    case unreadable(path: String)

    public var description: String {
        switch self {
        case .noImages(let directory):
            "Image folder \(directory) has no PNG or JPEG images in class subfolders (one subfolder per class, e.g. \(directory)/cat/1.png)."
        case .undecodable(let path, let reason, let others):
            "\(path) is not a usable image: \(reason)" + (others > 0 ? " (and \(others) more file\(others == 1 ? "" : "s") in the folder do not decode either)." : ".")
        case .mixedSizes(let firstPath, let firstWidth, let firstHeight, let path, let width, let height):
            "\(path) is \(width)×\(height) pixels but \(firstPath) is \(firstWidth)×\(firstHeight); pass --image-size N to bring every image to N×N."
        case .tooFewImages(let directory, let count):
            "Image folder \(directory) has no test/ subfolder and only \(count) image, too few to hold some out for testing."
        case .unknownTestClass(let directory, let name):
            "\(directory)/test/\(name) is a class that \(directory)/train does not have; test classes must be training classes."
        case .unreadable(let path):
            "Cannot list the folder \(path)."
        }
    }
}
