/// The LSTM cell of PixelRNN's spatial layers (the Row LSTM and the Diagonal BiLSTM), over a block
/// of positions at once, with its gradient.
///
/// Gates come in the paper's order o, f, i, g (eq. 3 of van den Oord et al. 2016, and the shared
/// reference): o, f, i = σ(·), g = tanh(·); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c).
/// Every buffer is position-major with the channels last: position p's 4H pre-activations are
/// `preactivations[p·4H ..< (p+1)·4H]` and its state is `[p·H ..< (p+1)·H]`.
enum SpatialLSTMCell {
    /// One step of `positions` cells.
    ///
    /// - Parameters:
    ///   - preactivations: [positions, 4H], the gates before their nonlinearities.
    ///   - previousCell: [positions, H], c_prev.
    ///   - activations: [positions, 4H], receives o, f, i, g after their nonlinearities.
    ///   - cellTanh: [positions, H], receives tanh(c).
    ///   - cell, hidden: [positions, H], receive c and h.
    @inline(__always)
    static func forward(positions: Int, width: Int, preactivations: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
                        activations: UnsafeMutablePointer<Float>, cellTanh: UnsafeMutablePointer<Float>,
                        cell: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>) {
        for position in 0..<positions {
            let p = preactivations + position * 4 * width, a = activations + position * 4 * width
            let state = position * width
            for j in 0..<width {
                let o = GateMath.sigmoid(p[j]), f = GateMath.sigmoid(p[width + j])
                let i = GateMath.sigmoid(p[2 * width + j]), g = FastMath.tanh(p[3 * width + j])
                let c = f * previousCell[state + j] + i * g
                let t = FastMath.tanh(c)
                (a[j], a[width + j], a[2 * width + j], a[3 * width + j]) = (o, f, i, g)
                cell[state + j] = c
                cellTanh[state + j] = t
                hidden[state + j] = o * t
            }
        }
    }

    /// The gradient of one step of `positions` cells.
    ///
    /// - Parameters:
    ///   - hiddenGradient: [positions, H], ∂L/∂h of this step (from its output and from later steps).
    ///   - cellGradient: [positions, H], on entry ∂L/∂c from later steps; on return ∂L/∂c_prev.
    ///   - activations, cellTanh, previousCell: what ``forward`` saved and used.
    ///   - gateGradients: [positions, 4H], receives ∂L/∂preactivations.
    @inline(__always)
    static func backward(positions: Int, width: Int, hiddenGradient: UnsafePointer<Float>,
                         cellGradient: UnsafeMutablePointer<Float>, activations: UnsafePointer<Float>,
                         cellTanh: UnsafePointer<Float>, previousCell: UnsafePointer<Float>,
                         gateGradients: UnsafeMutablePointer<Float>) {
        for position in 0..<positions {
            let a = activations + position * 4 * width, d = gateGradients + position * 4 * width
            let state = position * width
            for j in 0..<width {
                let (o, f, i, g) = (a[j], a[width + j], a[2 * width + j], a[3 * width + j])
                let t = cellTanh[state + j], dh = hiddenGradient[state + j]
                let dc = cellGradient[state + j] + dh * o * (1 - t * t)
                d[j] = dh * t * o * (1 - o)
                d[width + j] = dc * previousCell[state + j] * f * (1 - f)
                d[2 * width + j] = dc * g * i * (1 - i)
                d[3 * width + j] = dc * i * (1 - g * g)
                cellGradient[state + j] = dc * f
            }
        }
    }
}

extension Tensor {
    /// One step of the spatial LSTM cell for a column of N positions, without gradients: what
    /// PixelRNN's samplers compute one pixel at a time, with the same arithmetic as the fused
    /// recurrences.
    ///
    /// - Parameters:
    ///   - gates: [4U, N], pre-activations in the order o, f, i, g (rows k·U ..< (k+1)·U gate k).
    ///   - previousCell: [U, N].
    /// - Returns: h and c, each [U, N].
    public static func spatialLSTMCell(gates: Tensor, previousCell: Tensor) -> (hidden: Tensor, cell: Tensor) {
        let (units, count) = (previousCell.shape[0], previousCell.shape[1])
        precondition(previousCell.rank == 2 && gates.shape == [4 * units, count],
                     "spatialLSTMCell: gates \(gates.shape) must be [4U, N] for a cell of \(previousCell.shape)")
        let cell = Tensor(shape: previousCell.shape) { _ in }
        let hidden = Tensor(shape: previousCell.shape) { out in
            let p = gates.storage.pointer, previous = previousCell.storage.pointer, c = cell.storage.pointer
            let block = units * count
            for index in 0..<block {
                let o = GateMath.sigmoid(p[index]), f = GateMath.sigmoid(p[block + index])
                let i = GateMath.sigmoid(p[2 * block + index]), g = FastMath.tanh(p[3 * block + index])
                c[index] = f * previous[index] + i * g
                out[index] = o * FastMath.tanh(c[index])
            }
        }
        return (hidden, cell)
    }
}
