extension VAEConfiguration: CheckedConfiguration {
    public func check() throws {
        let check = ConfigurationCheck()
        try check.imageSize(height: imageHeight, width: imageWidth)
        if let imageSize { try check.integer(imageSize, key: "image_size", flag: "--image-size", in: 1...4096) }
        if let imageChannels, imageChannels != 1, imageChannels != 3 {
            throw ConfigurationError.outOfRange(key: "image_channels", flag: "--data", value: "\(imageChannels)", allowed: "1 (grey) or 3 (colour)")
        }
        if let mixtureComponents { try check.integer(mixtureComponents, key: "mixture_components", flag: "--mixtures", in: 1...64) }
        try check.integer(latentDimension, key: "latent_dimension", flag: "--latent", in: 1...4096)
        try check.integers(hiddenSizes, key: "hidden_sizes", flag: "--hidden", in: 1...(1 << 16))
        try check.integers(channels, key: "channels", flag: "--channels", in: 1...4096)
        try check.integer(kernel, key: "kernel", flag: "--kernel", in: 1...64)
        try check.integer(stride, key: "stride", flag: "--stride", in: 1...64)
        try check.integer(padding, key: "padding", flag: "--padding", in: 0...64)
        try check.integer(classCount, key: "class_count", flag: "--data", in: 0...(1 << 16))
        try check.integer(validationCount, key: "validation_count", flag: "--validation", in: 0...(1 << 30))
        try check.integer(samples, key: "samples", flag: "--samples", in: 1...10_000)
        try check.number(Double(gaussianVariance), key: "gaussian_variance", flag: "--variance", atLeast: 0, exclusive: true)
        try check.number(Double(momentum), key: "momentum", flag: "--momentum", atLeast: 0, atMost: 1)
        try check.number(Double(weightDecay), key: "weight_decay", flag: "--weight-decay", atLeast: 0)
        try check.number(Double(freeBits ?? 0), key: "free_bits", flag: "--free-bits", atLeast: 0)
        try check.training(batchSize: batchSize, epochs: epochs, threads: threads, learningRate: learningRate)
    }
}
