import NN
import TensorCore

/// Where a conditional model's one-hot label y [N, C] joins its inputs.
enum ConditionalInput {
    /// x [N, D] through the encoder body, with y appended to x (MLP) or to the features
    /// (convolutional): [N, F] or [N, F + C].
    static func encoderFeatures(_ body: Sequential, _ x: Tensor, labels: Tensor?, classCount: Int, labelJoinsInput: Bool) -> Tensor {
        if labelJoinsInput { return body(joined(x, labels: labels, classCount: classCount)) }
        return joined(body(x), labels: labels, classCount: classCount)
    }

    /// The one-hot labels [rows.count, C] of `rows` for a conditional model, nil for an unconditional one.
    static func oneHot(_ labels: [Int]?, rows: Range<Int>, classCount: Int) -> Tensor? {
        guard classCount > 0 else { return nil }
        guard let labels else { preconditionFailure("a conditional model needs the labels of its data") }
        precondition(labels.count >= rows.upperBound, "\(labels.count) labels for \(rows.upperBound) rows")
        return Tensor.oneHot(Array(labels[rows]), classes: classCount)
    }

    /// rows [N, K] ⊕ y → [N, K + C]; the rows themselves for an unconditional model.
    static func joined(_ rows: Tensor, labels: Tensor?, classCount: Int) -> Tensor {
        guard classCount > 0 else {
            precondition(labels == nil, "an unconditional model takes no labels")
            return rows
        }
        guard let labels else { preconditionFailure("a conditional model needs one-hot labels [N, \(classCount)]") }
        precondition(labels.shape == [rows.shape[0], classCount],
                     "labels \(labels.shape) do not match \(rows.shape[0]) rows of \(classCount) classes")
        return Tensor.concatenate([rows, labels], axis: 1)
    }
}
