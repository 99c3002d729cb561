/// reshape, permute/transpose, slice, concat, stack and broadcast-to. All of them copy into a new
/// contiguous tensor except reshape, which shares the storage.

extension Tensor {
    /// The same values under a new shape with the same element count; no copy. One dimension may
    /// be −1, to be inferred.
    public func reshaped(_ newDimensions: [Int]) -> Tensor {
        var dimensions = newDimensions
        if let inferred = dimensions.firstIndex(of: -1) {
            let known = dimensions.enumerated().filter { $0.offset != inferred }.map(\.element).reduce(1, *)
            precondition(known > 0 && elementCount % known == 0,
                         "reshape: cannot infer a dimension of \(newDimensions) for \(elementCount) elements of \(shape)")
            dimensions[inferred] = elementCount / known
        }
        let target = Shape(dimensions)
        precondition(target.elementCount == elementCount, "reshape: cannot view shape \(shape) as \(target)")
        let input = self
        return Tensor(shape: target, storage: storage).recorded(from: [input]) { context in
            [Tensor(shape: input.shape, storage: context.upstream.storage)]
        }
    }

    /// The same values under `newShape`; no copy.
    public func reshaped(to newShape: Shape) -> Tensor { reshaped(newShape.dimensions) }

    /// Reorders the axes: axis i of the result is axis `axes[i]` of this tensor.
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(axes.sorted() == Array(0..<rank), "permute: \(axes) is not a permutation of the axes of \(shape)")
        let input = self
        let sourceStrides = shape.strides
        let target = Shape(axes.map { shape[$0] })
        let readStrides = axes.map { sourceStrides[$0] }
        let source = storage.pointer
        let rowLength = rank == 0 ? 1 : target[rank - 1]
        let step = readStrides.last ?? 0
        let transpose = BatchedTranspose.view(of: shape.dimensions, axes: axes)
        let result = Tensor(shape: target) { out in
            let o = out.baseAddress!
            if let transpose, Self.permutesByTiles {
                return BatchedTranspose.copy(source, outer: transpose.outer, p: transpose.p, q: transpose.q, into: o)
            }
            Broadcasting.forEachRow(of: target, stridesA: readStrides, stridesB: readStrides) { row, offset, _ in
                for i in 0..<rowLength { o[row + i] = source[offset + i * step] }
            }
        }
        var inverse = [Int](repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        return result.recorded(from: [input]) { context in [context.upstream.permuted(inverse)] }
    }

    /// Whether ``permuted(_:)`` copies batched transposes by tiles (``BatchedTranspose``); tests
    /// turn it off to compare with the element-by-element copy.
    nonisolated(unsafe) static var permutesByTiles = true

    /// Swaps the last two axes (the matrix transpose for rank 2).
    public func transposed() -> Tensor {
        precondition(rank >= 2, "transpose: shape \(shape) has fewer than two axes")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }

    /// The elements whose index along `axis` lies in `range`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let layout = AxisLayout(shape, axis: axis, keepingDimension: true, op: "slice")
        let axis = shape.normalizedAxis(axis, op: "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= layout.length,
                     "slice: range \(range) is out of bounds for axis \(axis) of shape \(shape)")
        var dimensions = shape.dimensions
        dimensions[axis] = range.count
        let input = self
        let source = storage.pointer
        let block = range.count * layout.inner
        let result = Tensor(shape: Shape(dimensions)) { out in
            for o in 0..<layout.outer {
                (out.baseAddress! + o * block).update(from: source + layout.offset(o, range.lowerBound, 0), count: block)
            }
        }
        return result.recorded(from: [input]) { context in
            let gradient = Tensor.zeros(input.shape)
            let upstream = context.upstream.storage.pointer
            for o in 0..<layout.outer {
                (gradient.storage.pointer + layout.offset(o, range.lowerBound, 0)).update(from: upstream + o * block, count: block)
            }
            return [gradient]
        }
    }

    /// Joins tensors along an existing axis; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors given")
        let first = tensors[0].shape
        let resolved = first.normalizedAxis(axis, op: "concatenate")
        for tensor in tensors {
            var expected = first.dimensions, found = tensor.shape.dimensions
            precondition(found.count == expected.count, "concatenate: shapes \(first) and \(tensor.shape) differ in rank")
            expected[resolved] = 0
            found[resolved] = 0
            precondition(found == expected, "concatenate: shapes \(first) and \(tensor.shape) differ off axis \(axis)")
        }
        let lengths = tensors.map { $0.shape[resolved] }
        var dimensions = first.dimensions
        dimensions[resolved] = lengths.reduce(0, +)
        let outer = first.dimensions[..<resolved].reduce(1, *)
        let inner = first.dimensions[(resolved + 1)...].reduce(1, *)
        let total = dimensions[resolved] * inner
        let result = Tensor(shape: Shape(dimensions)) { out in
            var start = 0
            for (tensor, length) in zip(tensors, lengths) {
                let block = length * inner, source = tensor.storage.pointer
                for o in 0..<outer { (out.baseAddress! + o * total + start).update(from: source + o * block, count: block) }
                start += block
            }
        }
        return result.recorded(from: tensors) { context in
            var start = 0
            return lengths.enumerated().map { index, length in
                defer { start += length }
                return context.needsGradient(index) ? context.upstream.slice(axis: resolved, start..<(start + length)) : nil
            }
        }
    }

    /// Joins same-shaped tensors along a new axis inserted at `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors given")
        let shape = tensors[0].shape
        precondition(tensors.allSatisfy { $0.shape == shape }, "stack: tensors must share one shape, got \(tensors.map(\.shape))")
        let resolved = axis < 0 ? axis + shape.rank + 1 : axis
        precondition(resolved >= 0 && resolved <= shape.rank, "stack: axis \(axis) is out of range for shape \(shape)")
        var expanded = shape.dimensions
        expanded.insert(1, at: resolved)
        return concatenate(tensors.map { $0.reshaped(expanded) }, axis: resolved)
    }

    /// Copies the values out to a larger shape by the broadcasting rules.
    public func broadcast(to target: Shape) -> Tensor {
        precondition(Broadcasting.resultShape(shape, target, op: "broadcast(to:)") == target,
                     "broadcast(to:): shape \(shape) cannot be broadcast to \(target)")
        if target == shape { return self }
        let input = self
        let readStrides = Broadcasting.strides(of: shape, broadcastTo: target)
        let rowLength = target.rank == 0 ? 1 : target[target.rank - 1]
        let step = readStrides.last ?? 0
        let source = storage.pointer
        let result = Tensor(shape: target) { out in
            let o = out.baseAddress!
            Broadcasting.forEachRow(of: target, stridesA: readStrides, stridesB: readStrides) { row, offset, _ in
                for i in 0..<rowLength { o[row + i] = source[offset + i * step] }
            }
        }
        return result.recorded(from: [input]) { context in [context.upstream.summed(toShape: input.shape)] }
    }
}
