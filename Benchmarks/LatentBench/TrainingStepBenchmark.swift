import GenerativeModels
import NN
import TensorCore

/// One training step (forward, backward, Adam) of the 784-400-20-400-784 MLP VAE with a Bernoulli
/// likelihood at batch 128: the step of PyTorch's examples/vae.
enum TrainingStepBenchmark {
    static func run(steps: Int) {
        print("\n## VAE training step, 784-400-20-400-784, batch 128, Bernoulli, Adam (threads: \(ComputeThreads.count))")
        var generator = RandomGenerator(seed: 1)
        let model = VAE(dataDimension: 784, hiddenSizes: [400], latentDimension: 20, using: &generator)
        let optimizer = Adam(parameters: model.namedParameters, learningRate: 1e-3)
        // Pixel intensities in [0, 1], as continuous Fashion-MNIST inputs are.
        let batches = (0..<8).map { _ in Tensor.uniform([128, 784], using: &generator) }
        var index = 0
        let forwardBackward = Timing.median(repeats: steps, warmup: 10) {
            _ = model.loss(batches[index % batches.count], using: &generator).total.backward()
            index += 1
        }
        let step = Timing.median(repeats: steps, warmup: 10) {
            let loss = model.loss(batches[index % batches.count], using: &generator)
            optimizer.step(loss.total.backward())
            index += 1
        }
        let gradients = model.loss(batches[0], using: &generator).total.backward()
        let adamAlone = Timing.median(repeats: steps, warmup: 10) { optimizer.step(gradients) }
        print("forward+backward   \(format(forwardBackward * 1e3, 3)) ms (median of \(steps))")
        print("Adam update alone  \(format(adamAlone * 1e3, 3)) ms (median of \(steps), \(model.parameterCount) parameters)")
        print("full step (+Adam)  \(format(step * 1e3, 3)) ms (median of \(steps))")
        print("steps per epoch of 60,000 at batch 128: 469 → \(format(step * 469, 2)) s of steps")
    }
}
