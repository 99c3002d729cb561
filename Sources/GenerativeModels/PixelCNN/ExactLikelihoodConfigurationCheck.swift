extension PixelCNNConfiguration: CheckedConfiguration {
    public func check() throws {
        let check = ConfigurationCheck()
        try checkData(check)
        try check.integer(channels, key: "channels", flag: "--channels", in: 1...4096)
        try check.integer(residualBlocks, key: "residual_blocks", flag: "--blocks", in: 1...256)
        try check.oddInteger(firstKernelSize, key: "first_kernel_size", flag: "--first-kernel", in: 1...63)
        try check.oddInteger(hiddenKernelSize, key: "hidden_kernel_size", flag: "--kernel", in: 1...63)
        try check.integer(classes, key: "classes", flag: "--conditional", in: 0...(1 << 16))
        if let imageChannels {
            guard imageChannels == 1 || imageChannels == 3 else {
                throw ConfigurationError.outOfRange(key: "image_channels", flag: "--data", value: "\(imageChannels)", allowed: "1 or 3")
            }
        }
        if channelsPerPixel == 3 {
            guard channels % 3 == 0 else {
                throw ConfigurationError.outOfRange(key: "channels", flag: "--channels", value: "\(channels)",
                                                    allowed: "a multiple of 3 on colour images (one group each for R, G and B)")
            }
            guard !gated else {
                throw ConfigurationError.inconsistent(reason: "the gated body models grey images only, and the data are colour")
            }
            guard output == .categorical else {
                throw ConfigurationError.inconsistent(reason: "colour images need the categorical output, not bernoulli")
            }
        }
    }
}

extension IndependentPixelsConfiguration: CheckedConfiguration {
    public func check() throws {
        let check = ConfigurationCheck()
        try checkData(check)
        try check.integer(classes, key: "classes", flag: "--data", in: 0...0)
    }
}

extension ExactLikelihoodConfiguration {
    /// The checks every exact-likelihood configuration shares: image size, levels, training.
    func checkData(_ check: ConfigurationCheck) throws {
        try check.imageSize(height: imageHeight, width: imageWidth)
        if let imageSize { try check.integer(imageSize, key: "image_size", flag: "--image-size", in: 1...4096) }
        try check.integer(levels, key: "levels", flag: "--levels", in: 2...256)
        try check.training(batchSize: batchSize, epochs: epochs, threads: threads, learningRate: learningRate)
    }
}
