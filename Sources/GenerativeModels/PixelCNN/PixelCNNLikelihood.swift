/// The PixelCNN as the one trainer sees it: image rows become [N, 1, H, W] in the output
/// distribution's representation, and the objective is the exact −log p(x), reported as "nll"
/// (``ExactLikelihoodImageModel``, whose requirements ``PixelCNN/negativeLogLikelihood(_:labels:)``
/// and ``PixelCNN/sample(count:height:width:labels:using:)`` meet).
extension PixelCNN: ExactLikelihoodImageModel {}
