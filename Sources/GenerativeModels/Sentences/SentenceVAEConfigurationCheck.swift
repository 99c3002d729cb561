extension SentenceVAEConfiguration: CheckedConfiguration {
    public func check() throws {
        let check = ConfigurationCheck()
        try check.integer(embeddingSize, key: "embedding_size", flag: "--embedding", in: 1...(1 << 16))
        try check.integer(hiddenSize, key: "hidden_size", flag: "--hidden", in: 1...(1 << 16))
        try check.integer(latentDimension, key: "latent_dimension", flag: "--latent", in: 1...4096)
        try check.integer(maximumLength, key: "maximum_length", flag: "--max-length", in: 1...100_000)
        try check.integer(minimumCount, key: "minimum_count", flag: "--min-count", in: 1...(1 << 30))
        if let maximumVocabularySize {
            try check.integer(maximumVocabularySize, key: "maximum_vocabulary_size", flag: "--max-vocab", in: 5...(1 << 24))
        }
        try check.number(keepRate, key: "keep_rate", flag: "--keep-rate", atLeast: 0, atMost: 1)
        try check.number(Double(freeBits), key: "free_bits", flag: "--free-bits", atLeast: 0)
        try check.number(Double(clipNorm), key: "clip_norm", flag: "--clip", atLeast: 0)
        try check.number(collapseThreshold, key: "collapse_threshold", flag: "--collapse-warning-kl", atLeast: 0)
        try check.training(batchSize: batchSize, epochs: epochs, threads: threads, learningRate: learningRate)
    }
}
