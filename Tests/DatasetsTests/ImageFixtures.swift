import Foundation

/// The committed image fixtures in Tests/DatasetsTests/Fixtures (made by make-fixtures.py from the
/// first 120 records of CIFAR-10's data_batch_1.bin): a CIFAR-10 folder of 80 training and 40
/// test records, single PNG and JPEG files of record 0, and two small image folders.
enum ImageFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let cifar = root.appendingPathComponent("cifar10")
    static let files = root.appendingPathComponent("files")
    static let colourFolder = root.appendingPathComponent("imagefolder-colour")
    static let greyFolder = root.appendingPathComponent("imagefolder-grey")

    /// The raw bytes of a fixture file.
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(path)) }

    /// Record `index` of the committed training batch: its label and its 3,072 pixel bytes (R, G,
    /// B planes), read straight from the file.
    static func cifarRecord(_ index: Int) throws -> (label: Int, planes: [UInt8]) {
        let bytes = try self.bytes("cifar10/data_batch_1.bin")
        let start = index * 3073
        return (Int(bytes[start]), Array(bytes[(start + 1)..<(start + 3073)]))
    }
}
