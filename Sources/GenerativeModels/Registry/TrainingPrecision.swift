import TensorCore

/// A configuration that records in config.json the number format its training steps' GEMMs ran
/// in, so that a resumed run keeps it and reports can say how the model was trained.
public protocol RecordsTrainingPrecision {
    /// The GEMM precision of the training steps (`--precision`); nil, and absent from config.json,
    /// in runs written before the choice existed, which all trained in FP32.
    var precision: GEMMPrecision? { get set }
}

extension RecordsTrainingPrecision {
    /// The precision the run trains in: fp32 unless config.json records otherwise.
    public var trainingPrecision: GEMMPrecision { precision ?? .float32 }
}
