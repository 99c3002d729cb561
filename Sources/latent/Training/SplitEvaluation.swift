import GenerativeModels

/// The evaluations of a training's epochs, split across the processes of a data parallel job
/// (``EvaluationSplit``): each process evaluates its rows of every evaluation batch, and the sums
/// of all processes make the figures one process would compute. Alone, they evaluate everything.
enum SplitEvaluation {
    /// `evaluate` run on this process's share, its estimate summed over all processes.
    static func objective(_ evaluate: () -> ObjectiveEstimate) -> ObjectiveEstimate {
        guard let group = DataParallelRun.group else { return evaluate() }
        let local = EvaluationSplit.$current.withValue(EvaluationSplit(rank: group.rank, size: group.size), operation: evaluate)
        // Sums over examples: each mean times this process's examples (none may have none).
        let count = Double(local.count)
        func sum(_ mean: Double) -> Double { local.count > 0 ? mean * count : 0 }
        var sums = [count, sum(local.reconstruction), sum(local.kl ?? 0)] + (local.klPerDimension ?? []).map(sum)
        group.sumInPlace(&sums)
        let total = sums[0]
        return ObjectiveEstimate(reconstruction: sums[1] / total, kl: local.kl == nil ? nil : sums[2] / total, count: Int(total),
                                 klPerDimension: local.klPerDimension == nil ? nil : sums[3...].map { $0 / total })
    }

    /// The sum and the count of per-example values that `evaluate` returns for this process's share,
    /// over all processes.
    static func sumAndCount(_ evaluate: () -> [Double]) -> (sum: Double, count: Int) {
        guard let group = DataParallelRun.group else {
            let values = evaluate()
            return (values.reduce(0, +), values.count)
        }
        let values = EvaluationSplit.$current.withValue(EvaluationSplit(rank: group.rank, size: group.size), operation: evaluate)
        var sums = [values.reduce(0, +), Double(values.count)]
        group.sumInPlace(&sums)
        return (sums[0], Int(sums[1]))
    }
}
