/// Matrix products through GEMM: 2-D, batched, and the fused affine map of a linear layer.

extension Tensor {
    /// op(self) · op(other) for 2-D tensors, or batch by batch for 3-D ones ([B, M, K] · [B, K, N]);
    /// a 3-D left operand times a 2-D right operand shares the right one across the batch.
    /// `transposeSelf`/`transposeOther` transpose the last two axes without copying.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let a = self, b = other
        switch (a.rank, b.rank) {
        case (2, 2), (3, 3):
            break
        case (3, 2) where !transposeSelf:
            // One GEMM over the flattened batch instead of B small ones.
            let flat = a.reshaped([a.shape[0] * a.shape[1], a.shape[2]])
            let product = flat.matmul(b, transposeOther: transposeOther)
            return product.reshaped([a.shape[0], a.shape[1], product.shape[1]])
        default:
            preconditionFailure("matmul: cannot multiply shapes \(a.shape) and \(b.shape)")
        }
        let batch = a.rank == 3 ? a.shape[0] : 1
        precondition(a.rank == 2 || b.shape[0] == batch, "matmul: batch sizes of \(a.shape) and \(b.shape) differ")
        let rowsA = a.shape[a.rank - 2], columnsA = a.shape[a.rank - 1]
        let rowsB = b.shape[b.rank - 2], columnsB = b.shape[b.rank - 1]
        let (m, k) = transposeSelf ? (columnsA, rowsA) : (rowsA, columnsA)
        let (kB, n) = transposeOther ? (columnsB, rowsB) : (rowsB, columnsB)
        precondition(k == kB, "matmul: inner dimensions of \(a.shape)\(transposeSelf ? "ᵀ" : "") and \(b.shape)\(transposeOther ? "ᵀ" : "") differ (\(k) vs \(kB))")
        let outputShape: Shape = a.rank == 3 ? [batch, m, n] : [m, n]
        let result = Tensor(shape: outputShape) { out in
            for index in 0..<batch {
                BLAS.gemm(transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                          a: a.storage.pointer + index * m * k, b: b.storage.pointer + index * k * n,
                          c: out.baseAddress! + index * m * n)
            }
        }
        return result.recorded(from: [a, b]) { context in
            let g = context.upstream
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ and dop(B) = op(A)ᵀ·G, transposed back where op transposed.
            let gradientA: Tensor? = context.needsGradient(0)
                ? (transposeSelf ? b.matmul(g, transposeSelf: transposeOther, transposeOther: true)
                                 : g.matmul(b, transposeOther: !transposeOther))
                : nil
            let gradientB: Tensor? = context.needsGradient(1)
                ? (transposeOther ? g.matmul(a, transposeSelf: true, transposeOther: transposeSelf)
                                  : a.matmul(g, transposeSelf: !transposeSelf))
                : nil
            return [gradientA, gradientB]
        }
    }

    /// The affine map of a fully connected layer, x·Wᵀ + b, as one GEMM that accumulates onto rows
    /// pre-filled with the bias.
    ///
    /// - Parameters:
    ///   - self: inputs, [N, in].
    ///   - weight: [out, in], PyTorch's layout (so checkpoints map one to one).
    ///   - bias: [out], or nil.
    /// - Returns: [N, out].
    public func affine(weight: Tensor, bias: Tensor?) -> Tensor {
        let x = self
        precondition(x.rank == 2 && weight.rank == 2 && x.shape[1] == weight.shape[1],
                     "affine: inputs \(x.shape) do not match weight \(weight.shape) ([out, in])")
        let rows = x.shape[0], inputs = x.shape[1], outputs = weight.shape[0]
        if let bias {
            precondition(bias.shape == [outputs], "affine: bias \(bias.shape) does not match weight \(weight.shape)")
        }
        let result = Tensor(shape: [rows, outputs]) { out in
            if let bias {
                for row in 0..<rows { (out.baseAddress! + row * outputs).update(from: bias.storage.pointer, count: outputs) }
            }
            BLAS.gemm(transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                      a: x.storage.pointer, b: weight.storage.pointer, beta: bias == nil ? 0 : 1, c: out.baseAddress!)
        }
        let operands: [Tensor] = bias.map { [x, weight, $0] } ?? [x, weight]
        return result.recorded(from: operands) { context in
            let g = context.upstream.storage.pointer
            var gradients: [Tensor?] = [nil, nil, nil]
            if context.needsGradient(0) {   // dx = G·W
                gradients[0] = Tensor(shape: x.shape) { out in
                    BLAS.gemm(transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                              a: g, b: weight.storage.pointer, c: out.baseAddress!)
                }
            }
            if context.needsGradient(1) {   // dW = Gᵀ·x
                gradients[1] = Tensor(shape: weight.shape) { out in
                    BLAS.gemm(transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
                              a: g, b: x.storage.pointer, c: out.baseAddress!)
                }
            }
            if bias != nil, context.needsGradient(2) {   // db = Gᵀ·1, the column sums
                let ones = [Float](repeating: 1, count: rows)
                gradients[2] = Tensor(shape: [outputs]) { out in
                    BLAS.gemv(transpose: true, m: rows, n: outputs, a: g, x: ones, y: out.baseAddress!)
                }
            }
            return Array(gradients.prefix(operands.count))
        }
    }
}
