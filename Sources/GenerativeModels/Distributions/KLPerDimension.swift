import TensorCore

extension ReparameterizedDistribution {
    /// KL(q_d ‖ p_d) of every latent dimension d, summed over the rows: D values in nats whose
    /// sum is the rows' total KL(q ‖ p).
    ///
    /// The coordinates are independent under both q and the prior, so a row's KL is the sum of
    /// its coordinates' KLs, and each coordinate's is the family's own formula applied to that one
    /// column: in closed form where the pair has one, otherwise the Monte Carlo estimate
    /// log q_d(z_d) − log p_d(z_d) at the given samples `z` [N, D]. A dimension whose KL stays
    /// near zero carries no information about x: it is an inactive unit.
    ///
    /// - Parameter z: draws from `self`, needed only when the pair has no closed form.
    public func klDivergenceSumsPerDimension(to prior: StandardPrior, at z: Tensor?) -> [Double] {
        let dimensions = location.shape[1]
        return withoutGradients {
            (0..<dimensions).map { dimension in
                let columns = dimension..<(dimension + 1)
                let coordinate = mappingParameters { $0.slice(axis: 1, columns) }
                let kl: Tensor
                if let closedForm = coordinate.analyticKLDivergence(toStandard: prior.family) {
                    kl = closedForm
                } else {
                    guard let z else { preconditionFailure("klDivergenceSumsPerDimension: \(Self.family) to \(prior.family) needs samples z") }
                    kl = coordinate.monteCarloKLDivergence(to: prior, at: z.slice(axis: 1, columns))
                }
                return kl.scalars.reduce(0.0) { $0 + Double($1) }
            }
        }
    }
}
