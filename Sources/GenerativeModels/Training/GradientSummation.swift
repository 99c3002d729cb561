import TensorCore

/// Sums the gradients of every process of a ``ProcessGroup``, weighted by each process's share of
/// the batch, so every process ends with the gradient of the whole batch's mean loss:
/// g = Σ_r (n_r / N) · g_r, with g_r the gradient of process r's mean loss over its n_r examples.
///
/// Gradients travel in buckets of whole parameters, at most ``bucketCapacity`` values each (as
/// PyTorch's DDP buckets them, 25 MB by default), each bucket summed by its own allreduce. All
/// buckets are started before any is waited for, so MPI can pipeline them.
final class GradientSummation {
    /// The parameters, in the order every process lays them out: the model's property paths.
    let parameters: [(name: String, tensor: Tensor)]
    /// Parameter index ranges, one per bucket.
    let buckets: [Range<Int>]
    let group: any ProcessGroup
    /// One flat buffer per bucket, kept from step to step; MPI reads and writes them while a sum
    /// is in flight, so they live outside Swift's arrays.
    private let buffers: [UnsafeMutableBufferPointer<Float>]

    /// 25 MB of Float32 values, DDP's default bucket size.
    static let bucketCapacity = 25 * 1024 * 1024 / 4

    init(parameters: [(name: String, tensor: Tensor)], group: any ProcessGroup, bucketCapacity: Int = bucketCapacity) {
        self.parameters = parameters
        self.group = group
        var buckets: [Range<Int>] = []
        var start = 0, filled = 0
        for (index, parameter) in parameters.enumerated() {
            if filled > 0 && filled + parameter.tensor.elementCount > bucketCapacity {
                buckets.append(start..<index)
                (start, filled) = (index, 0)
            }
            filled += parameter.tensor.elementCount
        }
        if start < parameters.count { buckets.append(start..<parameters.count) }
        self.buckets = buckets
        buffers = buckets.map { range in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: range.reduce(0) { $0 + parameters[$1].tensor.elementCount })
            buffer.initialize(repeating: 0)
            return buffer
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Bytes one process sends into the allreduce each step.
    var bytesPerStep: Int { buffers.reduce(0) { $0 + $1.count } * 4 }

    /// The whole batch's gradients from this process's, `weight` = n_r / N. A parameter this
    /// process has no gradient for contributes zeros; `present` tells, after the figures' sum,
    /// which parameters any process had a gradient for (the others stay without one, as they
    /// would in a single process).
    func sum(_ local: Gradients, weight: Float, present: [Bool]) -> Gradients {
        for (bucket, range) in buckets.enumerated() {
            let flat = buffers[bucket]
            do {
                var offset = 0
                for index in range {
                    let count = parameters[index].tensor.elementCount
                    let slice = UnsafeMutableBufferPointer(rebasing: flat[offset..<(offset + count)])
                    if let gradient = local[parameters[index].tensor] {
                        gradient.withUnsafeBufferPointer { values in
                            for i in 0..<count { slice[i] = values[i] * weight }
                        }
                    } else {
                        slice.update(repeating: 0)
                    }
                    offset += count
                }
            }
        }
        let pending = buffers.map { group.startSumInPlace($0) }
        var result = Gradients()
        for (bucket, range) in buckets.enumerated() {
            pending[bucket].wait()
            let flat = buffers[bucket]
            do {
                var offset = 0
                for index in range {
                    let parameter = parameters[index].tensor, count = parameter.elementCount
                    if present[index] {
                        let start = offset
                        let gradient = Tensor(shape: parameter.shape) { out in
                            for i in 0..<count { out[i] = flat[start + i] }
                        }
                        result.setGradient(gradient, for: parameter)
                    }
                    offset += count
                }
            }
        }
        return result
    }
}
