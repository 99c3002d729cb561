/// Row gather (embedding lookup) and one-hot encoding.

extension Tensor {
    /// Rows of a [V, D] table picked by index: the embedding lookup. Returns [indices.count, D].
    /// The VJP adds each upstream row back into the row it came from, so repeated indices accumulate.
    public func gatherRows(_ indices: [Int]) -> Tensor {
        precondition(rank == 2, "gatherRows: the table must be [rows, width], got \(shape)")
        let table = self
        let rows = shape[0], width = shape[1]
        for index in indices {
            precondition(index >= 0 && index < rows, "gatherRows: index \(index) is out of range for \(rows) rows")
        }
        let result = Tensor(shape: [indices.count, width]) { out in
            for (row, index) in indices.enumerated() {
                (out.baseAddress! + row * width).update(from: table.storage.pointer + index * width, count: width)
            }
        }
        return result.recorded(from: [table]) { context in
            let gradient = Tensor.zeros(table.shape)
            let upstream = context.upstream.storage.pointer, out = gradient.storage.pointer
            for (row, index) in indices.enumerated() {
                for column in 0..<width { out[index * width + column] += upstream[row * width + column] }
            }
            return [gradient]
        }
    }

    /// One-hot rows for integer labels: [labels.count, classes], 1 at each label and 0 elsewhere.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        Tensor(shape: [labels.count, classes]) { out in
            out.update(repeating: 0)
            for (row, label) in labels.enumerated() {
                precondition(label >= 0 && label < classes, "oneHot: label \(label) is out of range for \(classes) classes")
                out[row * classes + label] = 1
            }
        }
    }
}
