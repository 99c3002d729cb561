import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Whole training epochs of `latent train vae`'s defaults (PyTorch's examples/vae setup), or of
/// `latent train conv-vae`'s (the reference conv VAE), on Fashion-MNIST, through the same
/// VAETraining loop the commands use: the figures to set beside vae_mlp_torch.py's and
/// vae_conv_torch.py's per-epoch train_time.
enum EpochBenchmark {
    static func run(epochs: Int, convolutional: Bool) throws {
        var configuration = convolutional ? VAEConfiguration.convolutionalDefaults : VAEConfiguration()
        configuration.threads = ComputeThreads.count
        print("\n## \(configuration.summary) training epochs on Fashion-MNIST, batch 128, Adam (threads: \(ComputeThreads.count))")
        let dataset = try MNISTFormatDataset.fashionMNIST()
        let images = ImageSet(dataset.train)
        (configuration.imageHeight, configuration.imageWidth) = (images.rows, images.columns)
        let training = configuration.makeTrainer(model: try configuration.makeModel())
        let data = ImageTrainingData(images, pixels: configuration.pixels, batchSize: configuration.batchSize)
        for epoch in 1...epochs {
            let seconds = Timing.seconds { _ = training.trainEpoch(on: data) }
            let sums = training.finishEpoch()
            let loss = sums.mean("reconstruction") + sums.mean("kl")
            print("epoch \(epoch) train time \(format(seconds, 3)) s  train −ELBO \(format(loss, 2))")
        }
    }
}
