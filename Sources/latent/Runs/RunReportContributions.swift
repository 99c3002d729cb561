import Foundation
import GenerativeModels

// What each run type adds to its report (``ReportingRun``): image runs their latest pictures,
// text runs sentences decoded by the model. The report code asks the run; it never tests a family.

extension LoadedRun: ReportingRun {
    var trainCommand: String { ModelRegistry.trainCommand(configuration) }
    func reportSections() throws -> [ReportSection] { RunPictures(folder: folder).sections() }
}

extension LikelihoodRun: ReportingRun {
    var trainCommand: String { ModelRegistry.trainCommand(configuration) }
    func reportSections() throws -> [ReportSection] { RunPictures(folder: folder).sections() }
}

extension SentenceRun: ReportingRun {
    var trainCommand: String { ModelRegistry.trainCommand(configuration) }
    func reportSections() throws -> [ReportSection] { SentenceSamples(model: model, vocabulary: vocabulary).sections() }
}

// The same during training, from the report of the epoch (``EpochReport``), which holds the model.

extension ImageModelReport {
    func reportSections() throws -> [ReportSection] { RunPictures(folder: folder).sections() }
}

extension LikelihoodReport {
    func reportSections() throws -> [ReportSection] { RunPictures(folder: folder).sections() }
}

extension SentenceReport {
    func reportSections() throws -> [ReportSection] { SentenceSamples(model: model, vocabulary: data.vocabulary).sections() }
}
