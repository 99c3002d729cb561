import Foundation
import TensorCore

/// Sums the gradients of every process of a ``ProcessGroup``, weighted by each process's share of
/// the batch, so every process ends with the gradient of the whole batch's mean loss:
/// g = Σ_r (n_r / N) · g_r, with g_r the gradient of process r's mean loss over its n_r examples.
///
/// Gradients travel in buckets of whole parameters, at most ``bucketCapacity`` values each (as
/// PyTorch's DDP buckets them), each bucket summed by its own non-blocking allreduce. Buckets hold the parameters in reverse order, the order backward completes them in,
/// and a step runs in three calls: ``begin(weight:)``, ``gradientIsDone(_:_:)`` for each parameter
/// during backward, to overlap the sums with the rest of it (or ``gradientsAreDone(_:)`` after it),
/// ``finish(present:)``.
final class GradientSummation {
    /// The parameters, in the order every process lays them out: the model's property paths.
    let parameters: [(name: String, tensor: Tensor)]
    /// Parameter index ranges of ``bucketOrder``, one per bucket.
    let buckets: [Range<Int>]
    /// Parameter indices in bucket order: the parameters reversed.
    let bucketOrder: [Int]
    let group: any ProcessGroup
    /// One flat buffer per bucket, kept from step to step; MPI reads and writes them while a sum
    /// is in flight, so they live outside Swift's arrays.
    private let buffers: [UnsafeMutableBufferPointer<Float>]
    /// Where each parameter lives: its bucket and offset in the bucket's buffer.
    private let places: [ObjectIdentifier: (index: Int, bucket: Int, offset: Int)]

    // The step in progress.
    private var weight: Float = 1
    private var waiting: [Int] = []   // parameters each bucket still waits for
    private var filled: [Bool] = []   // by parameter index
    private var pending: [(any PendingReduction)?] = []

    /// 1 MB of Float32 values: DDP's first bucket. Its later buckets hold 25 MB, but on the
    /// machines of BENCHMARKS.md buckets of 0.25–1 MB, summed while backward goes on, made the MLP
    /// VAE's data parallel epoch about 15% faster than one bucket summed at its end.
    static let bucketCapacity = 1024 * 1024 / 4

    init(parameters: [(name: String, tensor: Tensor)], group: any ProcessGroup, bucketCapacity: Int = bucketCapacity) {
        self.parameters = parameters
        self.group = group
        bucketOrder = Array(parameters.indices.reversed())
        var buckets: [Range<Int>] = []
        var start = 0, filled = 0
        for (position, index) in bucketOrder.enumerated() {
            let count = parameters[index].tensor.elementCount
            if filled > 0 && filled + count > bucketCapacity {
                buckets.append(start..<position)
                (start, filled) = (position, 0)
            }
            filled += count
        }
        if start < bucketOrder.count { buckets.append(start..<bucketOrder.count) }
        self.buckets = buckets
        var places: [ObjectIdentifier: (index: Int, bucket: Int, offset: Int)] = [:]
        var sizes: [Int] = []
        for (bucket, range) in buckets.enumerated() {
            var offset = 0
            for position in range {
                let index = bucketOrder[position]
                places[ObjectIdentifier(parameters[index].tensor)] = (index, bucket, offset)
                offset += parameters[index].tensor.elementCount
            }
            sizes.append(offset)
        }
        self.places = places
        buffers = sizes.map { size in
            let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: size)
            buffer.initialize(repeating: 0)
            return buffer
        }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }

    /// Bytes one process sends into the allreduce each step.
    var bytesPerStep: Int { buffers.reduce(0) { $0 + $1.count } * 4 }

    /// Starts a step in which this process's gradients weigh `weight` = n_r / N.
    func begin(weight: Float) {
        self.weight = weight
        waiting = buckets.map(\.count)
        filled = [Bool](repeating: false, count: parameters.count)
        pending = [(any PendingReduction)?](repeating: nil, count: buckets.count)
    }

    /// Takes this process's complete gradient of `variable` into its bucket, and starts the bucket's
    /// sum once all its parameters are in. A variable that is not a parameter is ignored.
    func gradientIsDone(_ variable: Tensor, _ gradient: Tensor) {
        guard let place = places[ObjectIdentifier(variable)], !filled[place.index] else { return }
        let slice = UnsafeMutableBufferPointer(rebasing: buffers[place.bucket][place.offset..<(place.offset + variable.elementCount)])
        let weight = self.weight
        gradient.withUnsafeBufferPointer { values in
            for i in 0..<slice.count { slice[i] = values[i] * weight }
        }
        filled[place.index] = true
        waiting[place.bucket] -= 1
        if waiting[place.bucket] == 0 { pending[place.bucket] = group.startSumInPlace(buffers[place.bucket]) }
        for reduction in pending { reduction?.poll() }
    }

    /// The whole batch's gradients: parameters this process has no gradient for contribute zeros;
    /// `present` tells which parameters any process had a gradient for (the others stay without
    /// one, as they would in a single process).
    func finish(present: [Bool]) -> Gradients {
        for (bucket, range) in buckets.enumerated() where pending[bucket] == nil {
            for position in range where !filled[bucketOrder[position]] {
                let (index, _, offset) = places[ObjectIdentifier(parameters[bucketOrder[position]].tensor)]!
                UnsafeMutableBufferPointer(rebasing: buffers[bucket][offset..<(offset + parameters[index].tensor.elementCount)])
                    .update(repeating: 0)
            }
            pending[bucket] = group.startSumInPlace(buffers[bucket])
        }
        var result = Gradients()
        for (bucket, range) in buckets.enumerated() {
            pending[bucket]!.wait()
            let flat = buffers[bucket]
            for position in range where present[bucketOrder[position]] {
                let parameter = parameters[bucketOrder[position]].tensor
                let offset = places[ObjectIdentifier(parameter)]!.offset
                let gradient = Tensor(shape: parameter.shape) { out in
                    for i in 0..<out.count { out[i] = flat[offset + i] }
                }
                result.setGradient(gradient, for: parameter)
            }
        }
        return result
    }

    /// Takes all of this process's gradients at once, after backward.
    func gradientsAreDone(_ local: Gradients) {
        for (_, parameter) in parameters {
            if let gradient = local[parameter] { gradientIsDone(parameter, gradient) }
        }
    }
}
