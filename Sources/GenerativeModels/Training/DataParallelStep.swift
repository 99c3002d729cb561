import Foundation
import NN
import TensorCore

/// Data parallel training: the processes of a ``ProcessGroup`` each hold a replica of the model,
/// take a fixed share of every batch (``ProcessGroup/share(ofBatch:)``) and sum their gradients,
/// so together they take the step one process would take on the whole batch.
///
/// What makes N processes equal to one:
/// - every process plans the same epoch (the batch order is drawn from the shared data stream);
/// - every per-example draw (ε, word dropout, dynamic binarization) is the process's rows of the
///   draw the whole batch takes (``BatchShard``), and every process's streams move as far as the
///   whole batch's draw, so the streams stay equal across processes;
/// - the gradient is Σ_r (n_r / N) · g_r (``GradientSummation``), the gradient of the mean over all
///   N examples, and the reported figures are sums over all processes' examples;
/// - every process starts from the same weights (the same seed, or the same checkpoint) and takes
///   the same optimizer step from the same summed gradients.
/// What differs is the order of floating-point sums, so weights agree with a single process's to
/// rounding, and bit for bit across the processes. Free bits (Σ_d max(λ, KL_d) of the batch mean
/// KL_d) are the one objective that is not a mean over examples: each process applies them to its
/// own share, as DDP does with batch statistics.
extension Trainer {
    /// Trains from now on with the processes of `group`, summing gradients across them in buckets
    /// of at most `bucketBytes`. Every process must call it with the same model, data and settings.
    /// - Parameter overlapping: whether each bucket's sum starts during backward, as soon as its
    ///   gradients are complete, rather than after backward.
    public func trainDataParallel(with group: any ProcessGroup, bucketBytes: Int = defaultBucketBytes,
                                  overlapping: Bool = true) {
        dataParallel = (group, GradientSummation(parameters: model.namedParameters, group: group, bucketCapacity: Swift.max(bucketBytes / 4, 1)))
        overlapsGradientSums = overlapping
    }

    /// The gradients' buckets unless told otherwise: 1 MB (see ``GradientSummation``).
    public static var defaultBucketBytes: Int { GradientSummation.bucketCapacity * 4 }

    /// Bytes each process sends into the gradients' allreduce every step; 0 when training alone.
    public var allreduceBytesPerStep: Int { dataParallel?.summation.bytesPerStep ?? 0 }

    /// One optimizer step on this process's share of the batch of `indices`.
    func stepDataParallel(on indices: [Int], of trainingData: any TrainingData<Batch>, started: Date) {
        let (group, summation) = dataParallel!
        // A process without rows (a last batch smaller than the group) computes row 0 with weight 0.
        let share = group.share(ofBatch: indices.count), computed = share.computedRows
        let batch = trainingData.batch(indices, shard: computed, using: &data)
        noise.shard = computed
        let loss = model.trainingLoss(on: batch, objective: settings.objective, step: optimizer.stepCount, using: &noise)
        noise.shard = nil
        summation.begin(weight: Float(share.rows) / Float(indices.count))
        let gradients: Gradients
        if overlapsGradientSums {
            gradients = loss.total.backward { summation.gradientIsDone($0, $1) }
        } else {
            gradients = loss.total.backward()
            summation.gradientsAreDone(gradients)
        }

        // One sum of every figure: each term times this process's examples, the data's counts,
        // and which parameters have a gradient here.
        let counts = trainingData.counts(of: batch), countNames = counts.keys.sorted()
        var figures = loss.terms.map { Double($0.value.scalar) * Double(share.rows) }
        figures += countNames.map { share.rows > 0 ? Double(counts[$0]!) : 0 }
        figures += summation.parameters.map { gradients[$0.tensor] == nil ? 0 : 1 }
        group.sumInPlace(&figures)

        let termCount = loss.terms.count, countCount = countNames.count
        let present = figures[(termCount + countCount)...].map { $0 > 0 }
        let summed = summation.finish(present: present)
        optimizer.step(summed, scale: clippingScale(summed))

        var termSums: [String: Double] = [:]
        for (index, term) in loss.terms.enumerated() { termSums[term.name] = figures[index] }
        var countSums: [String: Int] = [:]
        for (index, name) in countNames.enumerated() { countSums[name] = Int(figures[termCount + index].rounded()) }
        running.add(termSums: termSums, examples: indices.count, counts: countSums, seconds: Date().timeIntervalSince(started))
    }

    /// Whether every process holds the same weights, optimizer state and random streams as rank 0
    /// (compared through a 64-bit FNV-1a digest of their bits). True when training alone.
    public func replicasAgree() -> Bool {
        guard let (group, _) = dataParallel else { return true }
        var digest = ReplicaDigest()
        for (_, tensor) in model.namedParameters { digest.add(tensor) }
        for (_, tensor) in optimizer.stateTensors.sorted(by: { $0.key < $1.key }) { digest.add(tensor) }
        for value in [noise.seed, noise.counter, data.seed, data.counter, UInt64(optimizer.stepCount)] { digest.add(value) }
        return group.allHold(withUnsafeBytes(of: digest.value.littleEndian) { Array($0) })
    }
}

/// FNV-1a over 64-bit words: a digest of tensors' exact bits, to compare replicas.
struct ReplicaDigest {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ word: UInt64) {
        value = (value ^ word) &* 0x0000_0100_0000_01B3
    }

    mutating func add(_ tensor: Tensor) {
        tensor.withUnsafeBufferPointer { values in
            for value in values { add(UInt64(value.bitPattern)) }
        }
    }
}
