/// Moves a group of images between the tensor layout [images, channels, pixels] and the
/// channel-major layout [channels, images, pixels], in which one GEMM covers the whole group
/// (the column matrix of a convolution has its images side by side; see ``Im2Col``).
enum ChannelMajorLayout {
    /// Copies the images `images` of `source` ([N, channels, pixels]) into `destination` as
    /// [channels, images.count, pixels], on up to `threads` threads.
    static func gather(_ source: UnsafePointer<Float>, images: Range<Int>, channels: Int, pixels: Int, threads: Int,
                       into destination: UnsafeMutablePointer<Float>) {
        let groupSize = images.count, first = images.lowerBound
        let units = groupSize * channels   // one unit: one [pixels] plane, in destination order
        nonisolated(unsafe) let (source, destination) = (source, destination)
        ComputeThreads.forEachChunk(units, chunks: Swift.min(threads, ComputeThreads.chunkCount(units * pixels))) { _, range in
            for unit in range {
                let channel = unit / groupSize, image = unit % groupSize
                (destination + unit * pixels).update(from: source + ((first + image) * channels + channel) * pixels, count: pixels)
            }
        }
    }

    /// The inverse of ``gather(_:images:channels:pixels:into:)``: writes `source`
    /// ([channels, images.count, pixels]) into the images `images` of `destination`
    /// ([N, channels, pixels]), adding `bias[channel]` when given (so a bias costs no extra pass);
    /// on up to `threads` threads.
    static func scatter(_ source: UnsafePointer<Float>, images: Range<Int>, channels: Int, pixels: Int,
                        bias: UnsafePointer<Float>? = nil, threads: Int, into destination: UnsafeMutablePointer<Float>) {
        let groupSize = images.count, first = images.lowerBound
        let units = groupSize * channels   // one unit: one [pixels] plane, in destination order
        nonisolated(unsafe) let (source, destination, bias) = (source, destination, bias)
        ComputeThreads.forEachChunk(units, chunks: Swift.min(threads, ComputeThreads.chunkCount(units * pixels))) { _, range in
            for unit in range {
                let image = unit / channels, channel = unit % channels
                let from = source + (channel * groupSize + image) * pixels
                let to = destination + (first * channels + unit) * pixels
                if let bias {
                    let shift = bias[channel]
                    for p in 0..<pixels { to[p] = from[p] + shift }
                } else {
                    to.update(from: from, count: pixels)
                }
            }
        }
    }
}
