/// Binary cross-entropy of Bernoulli logits against targets in [0, 1], in nats:
/// −[t·log σ(x) + (1−t)·log(1−σ(x))] = max(x, 0) − x·t + log(1 + e^(−|x|)), exact for large |x|.
///
/// Two forms: elementwise, and summed over each row — the Bernoulli decoder's −log p(x|z), which
/// is how every image model here uses it. The summed form is one pass that also keeps σ(x) − t for
/// its VJP, so backward is a row-scaled copy instead of a second round of exponentials, and no
/// [N, D] loss tensor or broadcast upstream is made in between.

extension Tensor {
    /// Elementwise binary cross-entropy.
    ///
    /// - Parameters:
    ///   - self: logits, any shape.
    ///   - targets: same shape.
    /// - Returns: the same shape. VJPs: (σ(x) − t)·upstream for the logits, −x·upstream for targets.
    public func binaryCrossEntropy(targets: Tensor) -> Tensor {
        precondition(shape == targets.shape,
                     "binaryCrossEntropy: logits \(shape) and targets \(targets.shape) differ")
        let logits = self
        let result = Tensor(shape: shape) { out in
            Kernels.zip(logits.storage.buffer, targets.storage.buffer, into: out, BinaryCrossEntropyOnLogits())
        }
        return result.recorded(from: [logits, targets]) { context in
            let g = context.upstream.storage.buffer
            return [
                context.needsGradient(0) ? Tensor(shape: logits.shape) { out in
                    Kernels.zip3(g, logits.storage.buffer, targets.storage.buffer, into: out, BinaryCrossEntropyLogitGradient())
                } : nil,
                context.needsGradient(1) ? Tensor(shape: targets.shape) { out in
                    Kernels.zip(g, logits.storage.buffer, into: out, BinaryCrossEntropyTargetGradient())
                } : nil,
            ]
        }
    }

    /// Binary cross-entropy summed over each row: Σ_d bce(x[n, d], t[n, d]).
    ///
    /// The same function as `binaryCrossEntropy(targets:).sum(axis: 1)`, up to the order of the
    /// summation.
    ///
    /// - Parameters:
    ///   - self: logits, [N, D].
    ///   - targets: [N, D].
    /// - Returns: [N]. VJPs: g[n]·(σ(x[n, d]) − t[n, d]) for the logits, −g[n]·x[n, d] for targets.
    public func binaryCrossEntropyRowSums(targets: Tensor) -> Tensor {
        precondition(rank == 2 && shape == targets.shape,
                     "binaryCrossEntropyRowSums: logits \(shape) and targets \(targets.shape) must be the same [N, D]")
        let logits = self
        let rows = shape[0], columns = shape[1]
        // σ(x) − t, written in the same pass when backward may need it.
        let residual = GradientTape.isRecording ? TensorStorage(count: elementCount) : nil
        let result = Tensor(shape: [rows]) { out in
            nonisolated(unsafe) let (x, t, r, sums) = (logits.storage.pointer, targets.storage.pointer, residual?.pointer, out.baseAddress!)
            ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(columns, 1))) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: columns) { scratch in
                    let losses = scratch.baseAddress!
                    for row in range {
                        // Row pointers, not x[row · D + d]: the overflow check of that index
                        // arithmetic keeps the loop from vectorizing.
                        let xs = x + row * columns, ts = t + row * columns
                        if let r {
                            let rs = r + row * columns
                            for d in 0..<columns { (losses[d], rs[d]) = BinaryCrossEntropyOnLogits.lossAndResidual(xs[d], ts[d]) }
                        } else {
                            for d in 0..<columns { losses[d] = BinaryCrossEntropyOnLogits()(xs[d], ts[d]) }
                        }
                        sums[row] = Kernels.contiguousSum(losses, count: columns)
                    }
                }
            }
        }
        return result.recorded(from: [logits, targets]) { context in
            let g = context.upstream.storage.pointer
            func rowScaled(_ source: UnsafeMutablePointer<Float>, by sign: Float) -> Tensor {
                Tensor(shape: [rows, columns]) { out in
                    nonisolated(unsafe) let (o, s) = (out.baseAddress!, source)
                    ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / Swift.max(columns, 1))) { range in
                        for row in range {
                            let scale = sign * g[row], to = o + row * columns, from = s + row * columns
                            for d in 0..<columns { to[d] = scale * from[d] }
                        }
                    }
                }
            }
            // The tape records only while `isRecording`, so the residual exists whenever this runs.
            return [context.needsGradient(0) ? rowScaled(residual!.pointer, by: 1) : nil,
                    context.needsGradient(1) ? rowScaled(logits.storage.pointer, by: -1) : nil]
        }
    }
}

/// (x, t) ↦ max(x, 0) − x·t + log(1 + e^(−|x|)).
struct BinaryCrossEntropyOnLogits: BinaryFunction {
    func callAsFunction(_ x: Float, _ t: Float) -> Float { Swift.max(x, 0) - x * t + FastMath.log1p(FastMath.exp(-Swift.abs(x))) }

    /// The loss and σ(x) − t from one exponential e^(−|x|).
    @inline(__always)
    static func lossAndResidual(_ x: Float, _ t: Float) -> (loss: Float, residual: Float) {
        let e = FastMath.exp(-Swift.abs(x))
        let sigmoid = (x >= 0 ? 1 : e) / (1 + e)
        return (Swift.max(x, 0) - x * t + FastMath.log1p(e), sigmoid - t)
    }
}

/// (upstream, x, t) ↦ upstream · (σ(x) − t).
struct BinaryCrossEntropyLogitGradient: TernaryFunction {
    func callAsFunction(_ g: Float, _ x: Float, _ t: Float) -> Float { g * (Sigmoid().value(x) - t) }
}

/// (upstream, x) ↦ −upstream · x.
struct BinaryCrossEntropyTargetGradient: BinaryFunction {
    func callAsFunction(_ g: Float, _ x: Float) -> Float { -g * x }
}
