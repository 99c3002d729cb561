/// NumPy-style broadcasting: shapes are aligned at their last axis, and an axis of size 1 (or a
/// missing leading axis) stretches to match the other operand.
enum Broadcasting {
    /// The shape two operands broadcast to, or a precondition failure naming the op and both shapes.
    static func resultShape(_ a: Shape, _ b: Shape, op: String) -> Shape {
        let rank = max(a.rank, b.rank)
        var dimensions = [Int](repeating: 1, count: rank)
        for axis in 0..<rank {
            let da = axis < rank - a.rank ? 1 : a[axis - (rank - a.rank)]
            let db = axis < rank - b.rank ? 1 : b[axis - (rank - b.rank)]
            precondition(da == db || da == 1 || db == 1,
                         "\(op): shapes \(a) and \(b) cannot be broadcast together")
            dimensions[axis] = da == 1 ? db : da
        }
        return Shape(dimensions)
    }

    /// Strides (in elements) for reading an operand of `shape` as if it had `target`'s shape:
    /// broadcast axes get stride 0.
    static func strides(of shape: Shape, broadcastTo target: Shape) -> [Int] {
        let own = shape.strides
        let offset = target.rank - shape.rank
        return (0..<target.rank).map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : own[axis - offset]
        }
    }

    /// Calls `body(outputRowStart, offsetA, offsetB)` for every row of the last axis of `shape`,
    /// with the offsets of that row's first element in two broadcast operands. The caller then walks
    /// the row with strides `stridesA.last`, `stridesB.last`.
    @inline(__always)
    static func forEachRow(of shape: Shape, stridesA: [Int], stridesB: [Int],
                           _ body: (_ out: Int, _ a: Int, _ b: Int) -> Void) {
        let rank = shape.rank
        guard rank > 0 else { body(0, 0, 0); return }
        let rowLength = shape[rank - 1]
        let rows = rowLength == 0 ? 0 : shape.elementCount / rowLength
        var index = [Int](repeating: 0, count: rank)
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row * rowLength, offsetA, offsetB)
            // Advance the odometer over all axes but the last.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                offsetA += stridesA[axis]
                offsetB += stridesB[axis]
                if index[axis] < shape[axis] { break }
                offsetA -= stridesA[axis] * shape[axis]
                offsetB -= stridesB[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums this gradient over the axes that broadcasting stretched, giving a tensor of `shape`.
    /// The VJP of every broadcasting op ends with it.
    func summed(toShape target: Shape) -> Tensor {
        if target == shape { return self }
        precondition(Broadcasting.resultShape(target, shape, op: "sum-to-shape") == shape,
                     "sum-to-shape: \(shape) is not a broadcast of \(target)")
        let result = Tensor.zeros(target)
        let targetStrides = Broadcasting.strides(of: target, broadcastTo: shape)
        let source = storage.pointer, destination = result.storage.pointer
        let rowLength = shape.rank == 0 ? 1 : shape[shape.rank - 1]
        let innerStride = targetStrides.last ?? 0
        Broadcasting.forEachRow(of: shape, stridesA: targetStrides, stridesB: targetStrides) { out, offset, _ in
            if innerStride == 0 {
                var total: Float = 0
                for i in 0..<rowLength { total += source[out + i] }
                destination[offset] += total
            } else {
                for i in 0..<rowLength { destination[offset + i] += source[out + i] }
            }
        }
        return result
    }
}
