import Foundation

/// Converts a log-likelihood in nats per example to bits per dimension: −log p(x) / (D · ln 2).
///
/// Only meaningful when p is a probability mass over discrete data: binarized pixels under a
/// Bernoulli decoder, or 256-level pixels under a categorical one. A Bernoulli "likelihood" of
/// intensities in [0, 1] is not a probability of anything (it is a training convenience), and a
/// Gaussian density over pixels scaled to [0, 1] is a density, not a mass: it can exceed 1 and make
/// this negative. For such a density on uniformly dequantized 8-bit pixels, first subtract D·ln 256
/// from the log-density (the Jacobian of scaling by 1/256) before converting.
///
/// - Parameters:
///   - logLikelihood: mean log p(x) per example, in nats (negative), e.g.
///     ``ImportanceWeightedEstimate/logLikelihood`` or ``ELBOEstimate/elbo`` for a bound.
///   - dataDimension: D, the number of pixels (or other discrete variables) per example.
/// - Returns: bits per dimension, positive for a probability mass.
public func bitsPerDimension(logLikelihood: Double, dataDimension: Int) -> Double {
    precondition(dataDimension > 0, "bitsPerDimension: data dimension must be positive, got \(dataDimension)")
    return -logLikelihood / (Double(dataDimension) * Foundation.log(2.0))
}
