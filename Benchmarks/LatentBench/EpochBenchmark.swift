import Datasets
import Foundation
import GenerativeModels
import TensorCore

/// Whole training epochs of `latent train vae`'s defaults (PyTorch's examples/vae setup) on
/// Fashion-MNIST, through the same VAETraining loop the command uses: the figure to set beside
/// vae_mlp_torch.py's per-epoch train_time.
enum EpochBenchmark {
    static func run(epochs: Int) throws {
        print("\n## VAE training epochs on Fashion-MNIST, 784-400-20, batch 128, Adam (threads: \(ComputeThreads.count))")
        let dataset = try MNISTFormatDataset.fashionMNIST()
        let images = ImageSet(dataset.train)
        var configuration = VAEConfiguration()
        configuration.threads = ComputeThreads.count
        let training = VAETraining(configuration: configuration, dataDimension: images.dimension)
        for epoch in 1...epochs {
            let seconds = Timing.seconds { _ = training.trainEpoch(on: images) }
            let sums = training.finishEpoch()
            let loss = (sums.reconstruction + sums.kl) / Double(sums.examples)
            print("epoch \(epoch) train time \(format(seconds, 3)) s  train −ELBO \(format(loss, 2))")
        }
    }
}
