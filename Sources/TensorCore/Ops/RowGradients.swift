extension Tensor {
    /// Records the VJP of a loss per row, `self` [N], whose gradient with respect to each row of
    /// `input` [N, width] the forward pass already computed into `gradient` [N, width] (nil when the
    /// tape does not record): upstream[n] times row n. The discrete likelihoods of 8-bit data use it.
    func recordedWithRowGradients(of input: Tensor, _ gradient: TensorStorage?) -> Tensor {
        let (rows, width) = (input.shape[0], input.shape[1])
        return recorded(from: [input]) { context in
            let upstream = context.upstream.storage.pointer
            return [Tensor(shape: [rows, width]) { out in
                nonisolated(unsafe) let (o, s) = (out.baseAddress!, gradient!.pointer)
                // Rows across threads: a colour image's row of parameters is 100–200 KB.
                ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(width, 1))) { range in
                    for row in range {
                        let scale = upstream[row], to = o + row * width, from = s + row * width
                        for i in 0..<width { to[i] = scale * from[i] }
                    }
                }
            }]
        }
    }
}
