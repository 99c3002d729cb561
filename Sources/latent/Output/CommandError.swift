/// A failure to report to the user as one sentence, with a non-zero exit.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    /// Whether, in a data parallel job, every process meets this failure at the same point (a check
    /// all make alike, or a stop they agreed on), so that they can end together, each after
    /// finishing what it writes, rather than the first to fail ending the others.
    let isCollective: Bool

    init(_ description: String, collective: Bool = false) {
        self.description = description
        isCollective = collective
    }
}
