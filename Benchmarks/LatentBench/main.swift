import Foundation
import GenerativeModels
import NN
import TensorCore

/// Release-mode benchmark of the engine. Run with
///   swift run -c release latent-bench [--threads N] [--repeats N] [gemm] [elementwise] [step] [conv] [epoch] [conv-epoch]
///     [pixelcnn] [pixelcnn-sample] [pixelcnn-step] [pixelrnn] [pixelrnn-row] [pixelrnn-diagonal] [pixelrnn-sample] [pixelrnn-colour]
///     [pixelrnn-colour-sample] [sentence] [sentence-vae] [rnnlm]
/// (no section names runs gemm, elementwise and step; epoch and conv-epoch need dataset-fashion-mnist, the sentence
/// sections the fortunes package; sentence-vae and rnnlm run one LSTM model alone, for profiles). Results and the commands go into BENCHMARKS.md.

var arguments = Array(CommandLine.arguments.dropFirst())
/// Removes `name VALUE` from `arguments` and returns the value.
func option(_ name: String, default value: Int, in arguments: inout [String]) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Int(arguments[index + 1]) else {
        return value
    }
    arguments.removeSubrange(index...(index + 1))
    return parsed
}
let threads = option("--threads", default: 2, in: &arguments)
let repeats = option("--repeats", default: 50, in: &arguments)
let sections = arguments.isEmpty ? ["gemm", "elementwise", "step"] : arguments
ComputeThreads.set(threads)

print("# latent-bench: threads \(threads), repeats \(repeats), GEMMs on \(GEMMBackend.summary)")
print("# CPU: \(CPUInfo.modelName); instruction sets: \(CPUInfo.instructionSets.joined(separator: " ")); elementwise kernels: \(VectorKernels.instructionSet)")
if let note = BLASRuntime.reselection { print("# \(note)") }
for section in sections {
    switch section {
    case "gemm": GemmBenchmark.run(repeats: repeats)
    case "elementwise": ElementwiseBenchmark.run(repeats: repeats)
    case "step": TrainingStepBenchmark.run(steps: repeats * 4)
    case "conv": ConvBenchmark.run(repeats: repeats)
    case "conv-colour": ConvBenchmark.run(repeats: repeats, colour: true)
    case "pixelcnn": PixelCNNBenchmark.run(repeats: repeats)
    case "pixelcnn-sample": PixelCNNBenchmark.sampling(repeats: repeats)
    case "pixelcnn-step": PixelCNNBenchmark.steps(repeats: repeats)
    case "pixelcnn-colour": ColourPixelCNNBenchmark.run(repeats: repeats)
    case "pixelrnn": PixelRNNBenchmark.run(repeats: repeats)
    case "pixelrnn-row", "pixelrnn-diagonal":
        PixelRNNBenchmark.run(repeats: repeats, kinds: [section == "pixelrnn-row" ? .row : .diagonal])
    case "pixelrnn-sample": PixelRNNBenchmark.sampling(repeats: repeats)
    case "pixelrnn-colour": ColourPixelRNNBenchmark.run(repeats: repeats)
    case "pixelrnn-colour-sample": ColourPixelRNNBenchmark.sampling(repeats: repeats)
    case "sentence", "sentence-vae", "rnnlm":
        let models = section == "sentence" ? [ModelFamily.sentenceVAE, .rnnLanguageModel] : [ModelFamily(rawValue: section)!]
        do { try SentenceBenchmark.run(batches: repeats * 4, models: models, cells: section == "sentence" ? RecurrentCell.allCases : [.lstm]) } catch {
            FileHandle.standardError.write(Data("latent-bench: \(error)\n".utf8))
            exit(1)
        }
    case "epoch", "conv-epoch":
        do { try EpochBenchmark.run(epochs: 2, convolutional: section == "conv-epoch") } catch {
            FileHandle.standardError.write(Data("latent-bench: \(error)\n".utf8))
            exit(1)
        }
    default:
        FileHandle.standardError.write(Data("latent-bench: unknown section '\(section)'; use gemm, elementwise, step, conv, conv-colour, epoch, conv-epoch, pixelcnn, pixelcnn-sample, pixelcnn-step, pixelcnn-colour, pixelrnn, pixelrnn-row, pixelrnn-diagonal, pixelrnn-sample, pixelrnn-colour, pixelrnn-colour-sample, sentence, sentence-vae or rnnlm.\n".utf8))
        exit(2)
    }
}
print("\npeak resident memory: \(format(Timing.peakResidentMiB(), 1)) MiB")
