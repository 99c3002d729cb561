import Foundation

/// One split of an image-classification dataset: images with one label each.
public struct LabeledImages: Sendable, Equatable {
    /// The images, `count` of them.
    public let images: IDXImages
    /// One label per image.
    public let labels: IDXLabels
    /// The files they were read from, for messages.
    public let imagesURL: URL
    public let labelsURL: URL

    /// Number of examples.
    public var count: Int { images.count }

    /// Pairs images with labels after checking that the counts agree.
    ///
    /// - Throws: `DatasetFolderError.countMismatch` naming both files and both counts.
    public init(images: IDXImages, labels: IDXLabels, imagesURL: URL, labelsURL: URL) throws(DatasetFolderError) {
        guard images.count == labels.count else {
            throw .countMismatch(imagesPath: imagesURL.path, imageCount: images.count,
                                 labelsPath: labelsURL.path, labelCount: labels.count)
        }
        self.images = images
        self.labels = labels
        self.imagesURL = imagesURL
        self.labelsURL = labelsURL
    }
}
