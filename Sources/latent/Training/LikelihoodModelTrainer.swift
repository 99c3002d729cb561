import Foundation
import GenerativeModels
import TensorCore

/// A new or resumed run of an exact-likelihood image model: the configuration (read back, or
/// made from the flags), the data, the model and its trainer, then the loop.
struct LikelihoodModelTrainer<Configuration: ExactLikelihoodConfiguration> {
    let control: RunControlOptions
    /// The configuration of a new run for images of the given channels (1 grey, 3 colour), every
    /// flag checked; called only for a new run.
    let makeConfiguration: (_ imageChannels: Int) throws -> Configuration
    /// Whether a new run conditions on the labels.
    var conditional = false

    init(control: RunControlOptions, makeConfiguration: @escaping (_ imageChannels: Int) throws -> Configuration, conditional: Bool = false) {
        (self.control, self.makeConfiguration, self.conditional) = (control, makeConfiguration, conditional)
    }

    /// A trainer of a model of grey images only.
    init(control: RunControlOptions, makeConfiguration: @escaping () throws -> Configuration, conditional: Bool = false) {
        self.init(control: control, makeConfiguration: { _ in try makeConfiguration() }, conditional: conditional)
    }

    func run() throws {
        let folder = RunFolder(control.out)
        try control.whileHoldingRunFolder(folder) { try train(in: $0) }
    }

    /// Trains in `folder`, which this process holds.
    func train(in folder: RunFolder) throws {
        var configuration: Configuration
        if control.resume {
            configuration = try folder.readConfiguration(Configuration.self)
            var (epochs, threads, precision) = (configuration.epochs, configuration.threads, configuration.precision)   // protocol properties: one access at a time
            try control.resumed(epochs: &epochs, threads: &threads, precision: &precision)
            (configuration.epochs, configuration.threads, configuration.precision) = (epochs, threads, precision)
        } else {
            try control.checkNewRunFolder(folder)
            configuration = try makeConfiguration(1)
        }
        try configuration.checkFlags()
        ComputeThreads.set(configuration.threads)
        let splits = try DataSource.load(configuration.data, imageSize: configuration.imageSize, seed: configuration.seed)
        if !Configuration.modelsColour {
            try splits.requireGrey(data: configuration.data, trainCommand: ModelRegistry.trainCommand(configuration))
        } else if !control.resume && splits.channels != configuration.channelsPerPixel {
            configuration = try makeConfiguration(splits.channels)   // the colour defaults, and the grey-only flags refused
        } else if splits.channels != configuration.channelsPerPixel {
            throw CommandError("--data \(configuration.data) now holds \(splits.training.isColour ? "colour" : "grey") images, "
                + "but the run in \(control.out) models \(configuration.channelsPerPixel == 3 ? "colour" : "grey") ones.")
        }
        if !control.resume {
            (configuration.imageHeight, configuration.imageWidth) = (splits.training.rows, splits.training.columns)
            if conditional { configuration.classes = splits.training.classCount }
            try splits.checkForTraining(batchSize: configuration.batchSize, conditionalClasses: conditional ? configuration.classes : nil,
                                        data: configuration.data)
            if !splits.training.intensities.allSatisfy({ $0 >= 0 && $0 <= 1 }) {
                throw CommandError("--data \(configuration.data) has values outside [0, 1], which \(configuration.summary) cannot model.")
            }
        }
        try configuration.checkFlags()   // with the image size and classes the data gave
        try MemoryBudget.check(configuration.estimatedTrainingBytes, for: "Training \(configuration.summary) at batch \(configuration.batchSize)",
                               remedy: "choose fewer --channels or --blocks, or a smaller --batch-size")
        let model = configuration.makeModel()
        let training = configuration.makeTrainer(model: model)
        try control.prepare(folder, for: training, configuration: configuration, batchSize: configuration.batchSize)
        let report = LikelihoodReport(configuration: configuration, model: model, training: training, splits: splits, folder: folder)
        try EpochRunner(training: training, data: report.trainingData, folder: folder, epochs: configuration.epochs,
                        trainCommand: ModelRegistry.trainCommand(configuration)).run(report: report)
    }
}
