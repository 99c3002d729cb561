import Foundation

/// sum, mean, max and log-sum-exp, over one axis or over all elements.
///
/// An axis reduction views the tensor as [outer, n, inner], where n is the reduced axis, and
/// produces [outer, inner] (with the axis kept as size 1 when asked).
struct AxisLayout {
    let outer: Int, length: Int, inner: Int
    let reducedShape: Shape

    init(_ shape: Shape, axis: Int, keepingDimension: Bool, op: String) {
        let axis = shape.normalizedAxis(axis, op: op)
        outer = shape.dimensions[..<axis].reduce(1, *)
        length = shape[axis]
        inner = shape.dimensions[(axis + 1)...].reduce(1, *)
        var dimensions = shape.dimensions
        if keepingDimension { dimensions[axis] = 1 } else { dimensions.remove(at: axis) }
        reducedShape = Shape(dimensions)
    }

    /// Offset of element (o, k, i).
    @inline(__always) func offset(_ o: Int, _ k: Int, _ i: Int) -> Int { (o * length + k) * inner + i }
}

extension Tensor {
    /// The sum of all elements, as a scalar.
    public func sum() -> Tensor {
        let input = self
        return Tensor(Kernels.sum(storage.buffer)).recorded(from: [input]) { context in
            [Tensor(repeating: context.upstream.scalar, shape: input.shape)]
        }
    }

    /// The mean of all elements, as a scalar.
    public func mean() -> Tensor { sum() / Float(Swift.max(elementCount, 1)) }

    /// Sums along `axis` (negative counts from the end).
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let input = self
        let layout = AxisLayout(shape, axis: axis, keepingDimension: keepingDimension, op: "sum(axis:)")
        let source = storage.pointer
        let result = Tensor(repeating: 0, shape: layout.reducedShape)
        let destination = result.storage.pointer
        for o in 0..<layout.outer {
            if layout.inner == 1 {   // summing along contiguous rows, e.g. over pixels of [N, D]
                destination[o] = Kernels.contiguousSum(source + o * layout.length, count: layout.length)
                continue
            }
            for k in 0..<layout.length {
                let row = source + layout.offset(o, k, 0), out = destination + o * layout.inner
                for i in 0..<layout.inner { out[i] += row[i] }
            }
        }
        return result.recorded(from: [input]) { context in
            [context.upstream.spread(along: layout, to: input.shape)]
        }
    }

    /// Means along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let length = shape[shape.normalizedAxis(axis, op: "mean(axis:)")]
        return sum(axis: axis, keepingDimension: keepingDimension) / Float(Swift.max(length, 1))
    }

    /// Maxima along `axis`. The gradient goes to the first position of each maximum.
    public func max(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let input = self
        let layout = AxisLayout(shape, axis: axis, keepingDimension: keepingDimension, op: "max(axis:)")
        precondition(layout.length > 0, "max(axis:): axis \(axis) of shape \(shape) is empty")
        var argmax = [Int](repeating: 0, count: layout.outer * layout.inner)
        let source = storage.pointer
        let result = Tensor(shape: layout.reducedShape) { out in
            for o in 0..<layout.outer {
                for i in 0..<layout.inner {
                    var best = source[layout.offset(o, 0, i)], bestIndex = 0
                    for k in 1..<Swift.max(layout.length, 1) where source[layout.offset(o, k, i)] > best {
                        best = source[layout.offset(o, k, i)]
                        bestIndex = k
                    }
                    out[o * layout.inner + i] = best
                    argmax[o * layout.inner + i] = bestIndex
                }
            }
        }
        return result.recorded(from: [input]) { context in
            let gradient = Tensor.zeros(input.shape)
            let upstream = context.upstream.storage.pointer, out = gradient.storage.pointer
            for o in 0..<layout.outer {
                for i in 0..<layout.inner {
                    out[layout.offset(o, argmax[o * layout.inner + i], i)] = upstream[o * layout.inner + i]
                }
            }
            return [gradient]
        }
    }

    /// The largest element, as a scalar.
    public func max() -> Tensor { reshaped([elementCount]).max(axis: 0) }

    /// log Σ exp(x) along `axis`, with the maximum subtracted first so that no exp overflows.
    public func logSumExp(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let input = self
        let layout = AxisLayout(shape, axis: axis, keepingDimension: keepingDimension, op: "logSumExp(axis:)")
        let source = storage.pointer
        let result = Tensor(shape: layout.reducedShape) { out in
            for o in 0..<layout.outer {
                for i in 0..<layout.inner {
                    var largest = -Float.infinity
                    for k in 0..<layout.length { largest = Swift.max(largest, source[layout.offset(o, k, i)]) }
                    guard largest.isFinite else { out[o * layout.inner + i] = largest; continue }
                    var total: Float = 0
                    for k in 0..<layout.length { total += FastMath.exp(source[layout.offset(o, k, i)] - largest) }
                    out[o * layout.inner + i] = largest + Foundation.log(total)
                }
            }
        }
        return result.recorded(from: [input]) { context in
            // ∂/∂x_k log Σ exp(x) = softmax(x)_k = exp(x_k − lse).
            let gradient = Tensor.zeros(input.shape)
            let upstream = context.upstream.storage.pointer, lse = context.output.storage.pointer
            let out = gradient.storage.pointer
            for o in 0..<layout.outer {
                for k in 0..<layout.length {
                    for i in 0..<layout.inner {
                        let at = layout.offset(o, k, i), reduced = o * layout.inner + i
                        out[at] = upstream[reduced] * FastMath.exp(source[at] - lse[reduced])
                    }
                }
            }
            return [gradient]
        }
    }

    /// log Σ exp over all elements, as a scalar.
    public func logSumExp() -> Tensor { reshaped([elementCount]).logSumExp(axis: 0) }

    /// Copies a reduced tensor back along the reduced axis: the VJP of a sum.
    func spread(along layout: AxisLayout, to shape: Shape) -> Tensor {
        let source = storage.pointer
        return Tensor(shape: shape) { out in
            for o in 0..<layout.outer {
                if layout.inner == 1 {
                    (out.baseAddress! + o * layout.length).update(repeating: source[o], count: layout.length)
                    continue
                }
                for k in 0..<layout.length {
                    (out.baseAddress! + layout.offset(o, k, 0)).update(from: source + o * layout.inner, count: layout.inner)
                }
            }
        }
    }
}
