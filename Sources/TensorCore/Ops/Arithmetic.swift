/// Broadcasting + − × ÷ and negation, each with its VJP.
///
/// The VJP of a broadcasting op sums the upstream gradient back over the stretched axes
/// (``Tensor/summed(toShape:)``).

extension Tensor {
    /// Applies `f` elementwise to two broadcast operands. Same-shape operands and a trailing
    /// operand that repeats along the rows (a bias) take flat loops; other shapes walk row by row.
    @inline(__always)
    static func broadcastingZip<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, op: String, _ f: F) -> Tensor {
        if a.shape == b.shape {
            return Tensor(shape: a.shape) { out in Kernels.zip(a.storage.buffer, b.storage.buffer, into: out, f) }
        }
        let shape = Broadcasting.resultShape(a.shape, b.shape, op: op)
        let stridesA = Broadcasting.strides(of: a.shape, broadcastTo: shape)
        let stridesB = Broadcasting.strides(of: b.shape, broadcastTo: shape)
        let rowLength = shape.rank == 0 ? 1 : shape[shape.rank - 1]
        let stepA = stridesA.last ?? 0, stepB = stridesB.last ?? 0
        let x = a.storage.pointer, y = b.storage.pointer
        return Tensor(shape: shape) { out in
            let o = out.baseAddress!
            Broadcasting.forEachRow(of: shape, stridesA: stridesA, stridesB: stridesB) { row, offsetA, offsetB in
                for i in 0..<rowLength { o[row + i] = f(x[offsetA + i * stepA], y[offsetB + i * stepB]) }
            }
        }
    }

    public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingZip(lhs, rhs, op: "add", Add()).recorded(from: [lhs, rhs]) { context in
            [context.needsGradient(0) ? context.upstream.summed(toShape: lhs.shape) : nil,
             context.needsGradient(1) ? context.upstream.summed(toShape: rhs.shape) : nil]
        }
    }

    public static func - (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingZip(lhs, rhs, op: "subtract", Subtract()).recorded(from: [lhs, rhs]) { context in
            [context.needsGradient(0) ? context.upstream.summed(toShape: lhs.shape) : nil,
             context.needsGradient(1) ? (-context.upstream).summed(toShape: rhs.shape) : nil]
        }
    }

    public static func * (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingZip(lhs, rhs, op: "multiply", Multiply()).recorded(from: [lhs, rhs]) { context in
            // d(a·b) = b·da + a·db
            [context.needsGradient(0) ? (context.upstream * rhs).summed(toShape: lhs.shape) : nil,
             context.needsGradient(1) ? (context.upstream * lhs).summed(toShape: rhs.shape) : nil]
        }
    }

    public static func / (lhs: Tensor, rhs: Tensor) -> Tensor {
        broadcastingZip(lhs, rhs, op: "divide", Divide()).recorded(from: [lhs, rhs]) { context in
            // d(a/b) = da/b − (a/b²)·db = da/b − (output/b)·db
            [context.needsGradient(0) ? (context.upstream / rhs).summed(toShape: lhs.shape) : nil,
             context.needsGradient(1) ? (-(context.upstream * context.output / rhs)).summed(toShape: rhs.shape) : nil]
        }
    }

    public static prefix func - (operand: Tensor) -> Tensor {
        Tensor(shape: operand.shape) { out in Kernels.map(operand.storage.buffer, into: out, ScaleShift(scale: -1, shift: 0)) }
            .recorded(from: [operand]) { context in [-context.upstream] }
    }

    // MARK: With a constant

    public static func + (lhs: Tensor, rhs: Float) -> Tensor { lhs.affineMap(scale: 1, shift: rhs) }
    public static func + (lhs: Float, rhs: Tensor) -> Tensor { rhs.affineMap(scale: 1, shift: lhs) }
    public static func - (lhs: Tensor, rhs: Float) -> Tensor { lhs.affineMap(scale: 1, shift: -rhs) }
    public static func - (lhs: Float, rhs: Tensor) -> Tensor { rhs.affineMap(scale: -1, shift: lhs) }
    public static func * (lhs: Tensor, rhs: Float) -> Tensor { lhs.affineMap(scale: rhs, shift: 0) }
    public static func * (lhs: Float, rhs: Tensor) -> Tensor { rhs.affineMap(scale: lhs, shift: 0) }
    public static func / (lhs: Tensor, rhs: Float) -> Tensor { lhs.affineMap(scale: 1 / rhs, shift: 0) }
    public static func / (lhs: Float, rhs: Tensor) -> Tensor { Tensor(repeating: lhs, shape: .scalar) / rhs }

    /// `scale · x + shift`, elementwise.
    func affineMap(scale: Float, shift: Float) -> Tensor {
        Tensor(shape: shape) { out in Kernels.map(storage.buffer, into: out, ScaleShift(scale: scale, shift: shift)) }
            .recorded(from: [self]) { context in [context.upstream * scale] }
    }
}
