import Foundation

/// The model families Latent trains, spelled as a run folder's config.json names them in its
/// "model" key.
public enum ModelFamily: String, CaseIterable, Sendable {
    /// The VAE of Kingma & Welling, MLP or convolutional, conditional or not.
    case vae
    /// The deterministic autoencoder with the VAE's networks.
    case autoencoder
    /// PixelCNN, the exact-likelihood autoregressive image model.
    case pixelCNN = "pixelcnn"
    /// PixelRNN, the autoregressive image model with spatial LSTMs (Row LSTM, Diagonal BiLSTM).
    case pixelRNN = "pixelrnn"
    /// The independent-pixels baseline p(x) = Π_i p(x_i).
    case independentPixels = "independent-pixels"
    /// The sentence VAE of Bowman et al.
    case sentenceVAE = "sentence-vae"
    /// The RNN language model: the sentence VAE's decoder with no latent code.
    case rnnLanguageModel = "rnnlm"

    /// What a family trains on.
    public enum DataKind: Sendable {
        /// MNIST-format image folders.
        case images
        /// Text corpora.
        case text
    }

    public var dataKind: DataKind {
        switch self {
        case .vae, .autoencoder, .pixelCNN, .pixelRNN, .independentPixels: .images
        case .sentenceVAE, .rnnLanguageModel: .text
        }
    }

    /// The family a run's config.json names, with one error that names the file, the key and the
    /// families this version knows.
    public static func named(inConfigurationAt url: URL) throws -> ModelFamily {
        guard let data = try? Data(contentsOf: url) else { throw ConfigurationError.unreadable(path: url.path) }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let name = object["model"] as? String else {
            throw ConfigurationError.invalid(path: url.path, reason: "it is not a JSON object with a \"model\" key")
        }
        guard let family = ModelFamily(rawValue: name) else {
            throw ConfigurationError.unknown(key: "model", value: name, allowed: allCases.map(\.rawValue))
        }
        return family
    }
}
