import TensorCore

/// The reparameterizable families a VAE's posterior q(z|x) and prior p(z) can be chosen from,
/// by name in a configuration or on the command line ("gaussian", "laplace", "logistic",
/// "gumbel"; Codable as those plain strings).
///
/// Posterior and prior are chosen independently: any family's posterior can be paired with any
/// family's standard prior. Pairs with a closed-form KL use it (``hasAnalyticKL(toStandard:)``);
/// the others estimate it by Monte Carlo at the sampled z. Two pairs are ill-posed and should not
/// be used: a Laplace or logistic posterior with a Gumbel prior has an infinite KL once its scale
/// reaches 1, which a Monte Carlo estimate does not show.
public enum LatentFamily: String, Codable, CaseIterable, Sendable {
    case gaussian
    case laplace
    case logistic
    case gumbel

    /// The type that implements the family.
    public var distributionType: any ReparameterizedDistribution.Type {
        switch self {
        case .gaussian: DiagonalGaussian.self
        case .laplace: DiagonalLaplace.self
        case .logistic: DiagonalLogistic.self
        case .gumbel: DiagonalGumbel.self
        }
    }

    /// What the second encoder head means for this family: "log-variance" for the Gaussian
    /// (log σ², as the VAE has always had it), "log-scale" for the others.
    public var scaleHeadName: String { self == .gaussian ? "log-variance" : "log-scale" }

    /// The range ``posterior(location:scaleHead:)`` clamps the scale head to: the same span of
    /// scales for every family, e^(−15) to e^(10) (log σ² from −30 to 20, σ² from 1e-13 to 5e8,
    /// for the Gaussian). It never binds in ordinary training; it keeps the exponentials finite
    /// when a run diverges.
    public var scaleHeadRange: ClosedRange<Float> { self == .gaussian ? -30 ... 20 : -15 ... 10 }

    /// The family's distributions with the given parameters, used as they are.
    /// - Parameters:
    ///   - location: [N, D].
    ///   - scaleHead: [N, D], in the family's parameterization (see ``scaleHeadName``).
    public func distribution(location: Tensor, scaleHead: Tensor) -> any ReparameterizedDistribution {
        distributionType.init(location: location, scaleHead: scaleHead)
    }

    /// q(z|x) from an encoder's two heads, both [N, D], with the scale head clamped to
    /// ``scaleHeadRange``.
    public func posterior(location: Tensor, scaleHead: Tensor) -> any ReparameterizedDistribution {
        distribution(location: location, scaleHead: scaleHead.clamped(to: scaleHeadRange))
    }

    /// The family's standard member (location 0, unit scale) as a latent prior.
    public var standardPrior: StandardPrior { StandardPrior(self) }

    /// Whether a posterior of this family has a closed-form KL to `prior`'s standard member.
    /// The tests hold it equal to what ``ReparameterizedDistribution/analyticKLDivergence(toStandard:)``
    /// returns for every pair.
    public func hasAnalyticKL(toStandard prior: LatentFamily) -> Bool {
        switch (self, prior) {
        case (_, .gaussian): true
        case (.laplace, .laplace), (.logistic, .laplace): true
        case (.gaussian, .gumbel), (.gumbel, .gumbel): true
        default: false
        }
    }

    /// The family called `name`, or an error that names the option and the accepted names.
    /// - Parameter option: where the name came from, for the message (e.g. "--posterior").
    public static func named(_ name: String, option: String) throws -> LatentFamily {
        guard let family = LatentFamily(rawValue: name) else { throw UnknownLatentFamily(name: name, option: option) }
        return family
    }
}

/// A family name that is not one of ``LatentFamily``'s.
public struct UnknownLatentFamily: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let option: String

    public var description: String {
        let accepted = LatentFamily.allCases.map(\.rawValue).joined(separator: ", ")
        return "Unknown latent family \"\(name)\" for \(option); expected one of \(accepted)."
    }
}
