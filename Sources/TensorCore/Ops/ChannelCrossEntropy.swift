import Foundation

/// Cross-entropy over the channel axis of a channels-first output, the layout an image model's
/// convolutions produce: the class logits of one position lie a plane apart, not side by side.

extension Tensor {
    /// Cross-entropy −log softmax(logits[n, ·, s])[label] of every position, in nats.
    ///
    /// The same figures as moving the classes last and calling ``crossEntropy(labels:)`` on rows,
    /// without the move: an image model's 256-level logits are its largest tensor, and a
    /// transposed copy of them (and of their gradient) cost more than the softmax itself.
    ///
    /// - Parameters:
    ///   - self: logits, [N, C, S]: C classes at each of S positions (an image's pixels, H·W).
    ///   - labels: N·S class indices in 0..<C, in (n, s) order: an [N, 1, H, W] image's memory order.
    /// - Returns: [N, S], one loss per position. The VJP is the fused (softmax − onehot) · upstream.
    public func crossEntropyAlongChannels(labels: [Int]) -> Tensor {
        precondition(rank == 3 && shape[0] * shape[2] == labels.count,
                     "crossEntropyAlongChannels: logits \(shape) do not match \(labels.count) labels")
        let logits = self
        let (items, classes, positions) = (shape[0], shape[1], shape[2])
        for label in labels {
            precondition(label >= 0 && label < classes, "crossEntropyAlongChannels: label \(label) is out of range for \(classes) classes")
        }
        // Work goes in tiles of `width` positions of one item: the C × width logits of a tile are
        // read twice (largest, then exponentials) while they are in cache, and each class's run of
        // positions is contiguous, so the kernel's loops run over positions at full vector width.
        let width = 64, tilesPerItem = (positions + width - 1) / width
        let tilesPerChunk = Swift.max(1, ComputeThreads.parallelThreshold / (classes * width))
        /// Where tile `index` starts in the logits ([N, C, S]) and in the per-position arrays
        /// ([N, S]), and how many positions it has.
        @Sendable func bounds(ofTile index: Int) -> (offset: Int, at: Int, count: Int) {
            let (item, first) = (index / tilesPerItem, index % tilesPerItem * width)
            return (item * classes * positions + first, item * positions + first, Swift.min(width, positions - first))
        }
        // When recording, the exponentials e^(x − largest) are kept in the logits' own layout, so
        // the VJP scales them instead of exponentiating again.
        let exponentials = GradientTape.isRecording ? TensorStorage(count: items * classes * positions) : nil
        let sums = TensorStorage(count: items * positions)
        let logNormalizers = Tensor(shape: [items, positions]) { out in
            nonisolated(unsafe) let z = out.baseAddress!, x = logits.storage.pointer, kept = exponentials?.pointer, s = sums.pointer
            ComputeThreads.forEachChunk(items * tilesPerItem, minimumPerChunk: tilesPerChunk) { range in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: classes * width + width) { scratch in
                    let largest = scratch.baseAddress!
                    for tile in range {
                        let (offset, at, count) = bounds(ofTile: tile)
                        // Without a tape the exponentials go to scratch, rows `width` apart.
                        let (target, targetStride) = kept.map { ($0 + offset, positions) } ?? (largest + width, width)
                        VectorKernels.softmaxColumns(x + offset, xStride: positions, exps: target, expsStride: targetStride,
                                                     rows: classes, columns: count, largest: largest, sum: s + at)
                        for j in 0..<count {
                            // A non-finite largest logit leaves no usable sum: log Σ e^x is that logit.
                            let finite = largest[j].isFinite
                            z[at + j] = finite ? largest[j] + Foundation.log(s[at + j]) : largest[j]
                        }
                    }
                }
            }
        }
        let z = logNormalizers.storage.pointer, x = storage.pointer
        let result = Tensor(shape: [items, positions]) { out in
            for (index, label) in labels.enumerated() {
                let (item, position) = index.quotientAndRemainder(dividingBy: positions)
                out[index] = z[index] - x[(item * classes + label) * positions + position]
            }
        }
        return result.recorded(from: [logits]) { context in
            let upstream = context.upstream.storage.pointer
            return [Tensor(shape: logits.shape) { out in
                nonisolated(unsafe) let o = out.baseAddress!, kept = exponentials!.pointer, s = sums.pointer
                ComputeThreads.forEachChunk(items * tilesPerItem, minimumPerChunk: tilesPerChunk) { range in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { scales in
                        for tile in range {
                            let (offset, at, count) = bounds(ofTile: tile)
                            // softmax = e^(x − largest) / Σ e^(x − largest).
                            for j in 0..<count { scales[j] = upstream[at + j] / s[at + j] }
                            for c in 0..<classes {
                                // Through pointers, so the loop has no index overflow checks and vectorizes.
                                let target = o + offset + c * positions, source = kept + offset + c * positions
                                for j in 0..<count { target[j] = scales[j] * source[j] }
                            }
                            for j in 0..<count {
                                let shift = z[at + j], g = upstream[at + j]
                                if !shift.isFinite {
                                    // An infinite log-normalizer left no exponentials: the plain formula.
                                    for c in 0..<classes {
                                        let index = offset + c * positions + j
                                        o[index] = g * FastMath.exp(x[index] - shift)
                                    }
                                }
                                o[offset + labels[at + j] * positions + j] -= g
                            }
                        }
                    }
                }
                _ = logNormalizers   // keeps z alive until here
            }]
        }
    }
}
