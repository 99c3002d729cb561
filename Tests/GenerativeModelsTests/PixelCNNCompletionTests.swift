import NN
import TensorCore
import XCTest
@testable import GenerativeModels

/// Completing images from their first pixels: the given pixels are kept, and the rest are drawn
/// from p(x_t | x_<t) of the images with those pixels in place.
final class PixelCNNCompletionTests: XCTestCase {
    func testGivenPixelsAreKeptAndTheRestFollowTheModel() {
        var generator = RandomGenerator(seed: 12)
        let model = PixelCNN(channels: 6, residualBlocks: 2, firstKernelSize: 5, hiddenKernelSize: 3, using: &generator)
        let (count, height, width) = (3, 6, 5)
        let known = Tensor(shape: [count, 1, height, width],
                           scalars: (0..<(count * height * width)).map { Float(($0 * 7 + $0 / 3) % 2) })
        let given = 3 * width
        var draws = RandomGenerator(seed: 5)
        let completed = model.complete(known, givenPixels: given, using: &draws)
        for image in 0..<count {
            for pixel in 0..<given {
                let index = image * height * width + pixel
                XCTAssertEqual(completed.scalars[index], known.scalars[index], "given pixel \(pixel) of image \(image) changed")
            }
        }
        // The drawn pixels invert each pixel's CDF at the same uniforms as the naive sampler would,
        // given the completed image: check each drawn pixel against the network's logits there.
        var uniformStream = RandomGenerator(seed: 5)
        let uniforms = PixelCNN.samplingUniforms(count: count, pixels: height * width, using: &uniformStream)
        let logits = withoutGradients { model.logits(completed) }.scalars
        for image in 0..<count {
            for pixel in given..<(height * width) {
                let probability = 1 / (1 + exp(-Double(logits[image * height * width + pixel])))
                let expected: Float = Double(uniforms[pixel * count + image]) < probability ? 1 : 0
                XCTAssertEqual(completed.scalars[image * height * width + pixel], expected, "pixel \(pixel) of image \(image)")
            }
        }
        // Nothing given: a completion is a plain sample from the same seed.
        var first = RandomGenerator(seed: 9), second = RandomGenerator(seed: 9)
        XCTAssertEqual(model.complete(known, givenPixels: 0, using: &first).scalars,
                       model.sample(count: count, height: height, width: width, using: &second).scalars)
    }
}
