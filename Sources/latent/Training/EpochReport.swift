import GenerativeModels

/// What one model family reports while it trains: the log's first and last lines, the progress
/// bar's figures, and after each epoch its metrics lines, its log line and its pictures.
/// ``EpochRunner`` runs the epochs of every family and asks its report for these, and for the
/// sections of the run's report page that it writes after every epoch (``ReportContributor``).
protocol EpochReport: ReportContributor {
    /// The line that opens the log: the model, its data and its optimization.
    var opening: String { get }
    /// The progress bar's figures, from the epoch's running sums so far.
    func status(_ running: RunningSums) -> ProgressStatus
    /// The work after a completed epoch, before its checkpoint: metrics, the epoch's log line,
    /// pictures. `sums` are the epoch's final running sums.
    mutating func close(epoch: Int, sums: RunningSums) throws
    /// The line that ends the log: what the run folder now holds.
    var closing: String { get }
}
