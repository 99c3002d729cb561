import Foundation

/// Log-softmax and cross-entropy with integer labels, in the logits domain, where they are exact
/// for large inputs (binary cross-entropy has a file of its own).

extension Tensor {
    /// log softmax along `axis`: x − logΣexp(x).
    public func logSoftmax(axis: Int = -1) -> Tensor {
        self - logSumExp(axis: axis, keepingDimension: true)
    }

    /// softmax along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }

    /// Cross-entropy −log softmax(logits)[label] of each row, in nats.
    ///
    /// - Parameters:
    ///   - self: logits, [N, C].
    ///   - labels: N class indices in 0..<C.
    /// - Returns: [N], one loss per row. The VJP is the fused (softmax − onehot) · upstream.
    public func crossEntropy(labels: [Int]) -> Tensor {
        precondition(rank == 2 && shape[0] == labels.count,
                     "crossEntropy: logits \(shape) do not match \(labels.count) labels")
        let logits = self
        let rows = shape[0], classes = shape[1]
        for label in labels {
            precondition(label >= 0 && label < classes, "crossEntropy: label \(label) is out of range for \(classes) classes")
        }
        // Rows are contiguous: each is reduced by straight loops over a pointer, split across
        // threads by rows. With a word softmax (C in the tens of thousands) this pass and its VJP
        // cost as much as the output layer's GEMMs when written through the generic reduction.
        // When recording, the exponentials e^(x − max) of each row are kept (rows of C + 8 floats,
        // the reduction's padding), so the VJP scales them instead of exponentiating again.
        let stride = classes + 8
        let exponentials = GradientTape.isRecording ? TensorStorage(count: rows * stride) : nil
        let sums = TensorStorage(count: rows)
        let logNormalizers = Tensor(shape: [rows]) { out in
            nonisolated(unsafe) let z = out.baseAddress!, x = logits.storage.pointer, kept = exponentials?.pointer, s = sums.pointer
            ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / classes)) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { scratch in
                    for row in range {
                        let buffer = kept.map { $0 + row * stride } ?? scratch.baseAddress!
                        let (largest, sum) = Self.shiftedExponentialSum(of: x + row * classes, count: classes, into: buffer)
                        (z[row], s[row]) = (largest + Foundation.log(sum), sum)
                    }
                }
            }
        }
        let z = logNormalizers.storage.pointer, x = storage.pointer
        let result = Tensor(shape: [rows]) { out in
            for (row, label) in labels.enumerated() { out[row] = z[row] - x[row * classes + label] }
        }
        return result.recorded(from: [logits]) { context in
            let upstream = context.upstream.storage.pointer
            return [Tensor(shape: logits.shape) { out in
                nonisolated(unsafe) let o = out.baseAddress!, kept = exponentials!.pointer
                ComputeThreads.forEachChunk(rows, minimumPerChunk: Swift.max(1, ComputeThreads.parallelThreshold / classes)) { range in
                    for row in range {
                        let g = upstream[row], shift = z[row], source = x + row * classes, target = o + row * classes
                        if shift.isFinite {
                            // softmax = e^(x − max) / Σ e^(x − max).
                            let scale = g / sums.pointer[row], exps = kept + row * stride
                            for column in 0..<classes { target[column] = scale * exps[column] }
                        } else {
                            // An infinite log-normalizer left no exponentials: the plain formula.
                            for column in 0..<classes { target[column] = g * FastMath.exp(source[column] - shift) }
                        }
                        target[labels[row]] -= g
                    }
                }
                _ = logNormalizers   // keeps z alive until here
            }]
        }
    }

    /// The largest of `count` contiguous values and Σ e^(value − largest), with the exponentials
    /// left in `buffer` followed by 8 zeros (`buffer` holds `count` + 8 floats); log Σ e^value is
    /// largest + log(sum). For a largest value that is not finite the sum is 1 and `buffer` is
    /// left as it was.
    ///
    /// Both reductions run eight lanes at a time (a scalar running max or sum keeps the loop
    /// serial), and the exponentials go through the buffer as a plain map, which vectorizes.
    @inline(__always)
    static func shiftedExponentialSum(of values: UnsafePointer<Float>, count: Int, into buffer: UnsafeMutablePointer<Float>)
        -> (largest: Float, sum: Float) {
        var largestLanes = SIMD8<Float>(repeating: -.infinity)
        var index = 0
        while index + 8 <= count {
            // A lane-wise select: the generic `pointwiseMax` compiled to a call per chunk.
            let chunk = UnsafeRawPointer(values + index).loadUnaligned(as: SIMD8<Float>.self)
            largestLanes.replace(with: chunk, where: chunk .> largestLanes)
            index += 8
        }
        var largest = largestLanes.max()
        while index < count {
            largest = Swift.max(largest, values[index])
            index += 1
        }
        guard largest.isFinite else { return (largest, 1) }
        for index in 0..<count { buffer[index] = FastMath.exp(values[index] - largest) }
        for index in count..<(count + 8) { buffer[index] = 0 }
        var lanes = SIMD8<Float>()
        index = 0
        while index < count {
            lanes += UnsafeRawPointer(buffer + index).loadUnaligned(as: SIMD8<Float>.self)
            index += 8
        }
        return (largest, lanes.sum())
    }
}
