import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// The parsers that read files a user hands to Latent, each as one function of arbitrary bytes:
/// for the libFuzzer driver in Fuzz/ and for the tests that replay its corpus. Each must return
/// for any input. A thrown error is the expected answer to bad bytes; a trap, a hang or a
/// sanitizer report is a bug.
public enum FuzzTargets {
    /// Every target by name, as `scripts/fuzz.sh` and Fuzz/Corpus/NAME know them.
    public static let all: [String: @Sendable (Data) -> Void] = [
        "safetensors": safetensors, "configuration": configuration, "idx": idx, "text": text, "metrics": metrics,
        "cifar": cifar, "image": image,
    ]

    /// A CIFAR-10 batch file (data_batch_N.bin, test_batch.bin).
    @Sendable public static func cifar(_ data: Data) {
        _ = try? CIFARBatch.images(data, path: "fuzz input")
    }

    /// A PNG or JPEG file of an image folder: decoded by libpng or libjpeg-turbo, then taken
    /// through what loading does with it (grey test, channel expansion, planes, resizing).
    @Sendable public static func image(_ data: Data) {
        guard let image = try? ImageFileDecoder.decode(data), image.width * image.height <= 1 << 20 else { return }
        let colour = image.withChannels(3)
        _ = colour.planes
        if image.isGrey { _ = colour.withChannels(1) }
        _ = ImageResizing.resizedAndCropped(image, to: 5)
    }

    /// A checkpoint or any safetensors file.
    @Sendable public static func safetensors(_ data: Data) {
        _ = try? SafetensorsFile.decode(data, source: "fuzz input")
    }

    /// config.json of every model family; a configuration that decodes, checks and fits in a
    /// small memory budget is also built into its model, so the constructors meet it too.
    @Sendable public static func configuration(_ data: Data) {
        let budget = 64 << 20
        if let image = try? ConfigurationFile.decode(data, as: VAEConfiguration.self, source: "fuzz input"),
           image.estimatedTrainingBytes < budget {
            _ = try? image.makeModel()
        }
        if let pixelCNN = try? ConfigurationFile.decode(data, as: PixelCNNConfiguration.self, source: "fuzz input"),
           pixelCNN.estimatedTrainingBytes < budget {
            _ = pixelCNN.makeModel()
        }
        if let pixelRNN = try? ConfigurationFile.decode(data, as: PixelRNNConfiguration.self, source: "fuzz input"),
           pixelRNN.estimatedTrainingBytes < budget {
            _ = pixelRNN.makeModel()
        }
        if let baseline = try? ConfigurationFile.decode(data, as: IndependentPixelsConfiguration.self, source: "fuzz input"),
           baseline.estimatedTrainingBytes < budget {
            _ = baseline.makeModel()
        }
        if let sentence = try? ConfigurationFile.decode(data, as: SentenceVAEConfiguration.self, source: "fuzz input"),
           sentence.estimatedTrainingBytes(vocabularySize: 64) < budget {
            _ = try? sentence.makeModel(vocabularySize: 64)
        }
    }

    /// An MNIST-format image or label file, raw or gzip-compressed.
    @Sendable public static func idx(_ data: Data) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("latent-fuzz-\(getpid()).idx")
        guard (try? data.write(to: url)) != nil else { return }
        defer { try? FileManager.default.removeItem(at: url) }
        _ = try? IDX.readImages(at: url)
        _ = try? IDX.readLabels(at: url)
    }

    /// A run's metrics.jsonl, as a resumed run trims it.
    @Sendable public static func metrics(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        for epoch in [0, 1, 3] { _ = MetricsLog.lines(of: text, throughEpoch: epoch) }
    }

    /// A text corpus: split into sentences both ways, tokenized every way, and given a vocabulary.
    @Sendable public static func text(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        for splitting in SentenceSplitting.allCases {
            let sentences = splitting.sentences(in: text)
            for tokenizer in [Tokenizer(), Tokenizer(rule: .whitespace, lowercases: false)] {
                let tokens = sentences.map(tokenizer.tokens(in:))
                let vocabulary = Vocabulary(training: tokens, minimumCount: 1)
                _ = vocabulary.encode(tokens)
            }
        }
    }
}
