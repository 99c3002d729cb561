/// A row-major, contiguous Float32 tensor that can take part in reverse-mode differentiation.
///
/// Values are immutable once an op has produced them; the one exception is a parameter that an
/// optimizer updates in place between steps (see ``withUnsafeMutableBufferPointer(_:)``).
/// A tensor takes part in differentiation when it is a leaf that ``requiresGradient`` or when it was
/// produced by an op while recording (see ``withoutGradients(_:)``); `backward()` then returns the
/// gradients of the leaves.
public final class Tensor {
    public let shape: Shape
    let storage: TensorStorage

    /// Whether this leaf is a variable of differentiation (a parameter, or an input under test).
    public let requiresGradient: Bool

    /// How this tensor was computed, when it was computed while recording from differentiable inputs.
    /// `backward()` clears it, so each graph is used once and freed as soon as it is consumed.
    var gradientNode: GradientNode?

    init(shape: Shape, storage: TensorStorage, requiresGradient: Bool = false) {
        precondition(storage.count == shape.elementCount,
                     "Tensor storage holds \(storage.count) values but shape \(shape) needs \(shape.elementCount)")
        self.shape = shape
        self.storage = storage
        self.requiresGradient = requiresGradient
    }

    /// A tensor whose values the caller writes through `initializer`, which must set every element
    /// (the buffer starts uninitialized): the way to fill a tensor without an intermediate array.
    public convenience init(shape: Shape, requiresGradient: Bool = false,
                            initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let storage = TensorStorage(count: shape.elementCount)
        initializer(storage.buffer)
        self.init(shape: shape, storage: storage, requiresGradient: requiresGradient)
    }

    /// Creates a tensor from row-major values. `scalars.count` must equal the shape's element count.
    public convenience init(shape: Shape, scalars: [Float], requiresGradient: Bool = false) {
        precondition(scalars.count == shape.elementCount,
                     "Tensor(shape:scalars:): \(scalars.count) values do not fill shape \(shape)")
        self.init(shape: shape, requiresGradient: requiresGradient) { buffer in
            _ = buffer.initialize(from: scalars)
        }
    }

    /// A rank-0 tensor holding one number.
    public convenience init(_ value: Float, requiresGradient: Bool = false) {
        self.init(shape: .scalar, scalars: [value], requiresGradient: requiresGradient)
    }

    /// A tensor of the given shape with every element equal to `value`.
    public convenience init(repeating value: Float, shape: Shape, requiresGradient: Bool = false) {
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: shape.elementCount),
                  requiresGradient: requiresGradient)
    }

    public static func zeros(_ shape: Shape, requiresGradient: Bool = false) -> Tensor {
        Tensor(repeating: 0, shape: shape, requiresGradient: requiresGradient)
    }

    public static func ones(_ shape: Shape, requiresGradient: Bool = false) -> Tensor {
        Tensor(repeating: 1, shape: shape, requiresGradient: requiresGradient)
    }

    /// A new leaf with the same values that requires gradients: the way to turn data into a variable.
    public func asVariable() -> Tensor {
        Tensor(shape: shape, scalars: scalars, requiresGradient: true)
    }

    /// The same values, detached from any graph: gradients do not flow through the result.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Whether gradients flow through this tensor (a variable, or computed from one while recording).
    public var isDifferentiable: Bool { requiresGradient || gradientNode != nil }

    public var rank: Int { shape.rank }
    public var elementCount: Int { storage.count }

    /// The values in row-major order (a copy).
    public var scalars: [Float] { Array(storage.buffer) }

    /// The value of a one-element tensor.
    public var scalar: Float {
        precondition(elementCount == 1, "Tensor.scalar: shape \(shape) holds \(elementCount) values, not one")
        return storage.pointer[0]
    }

    /// Read access to the values without copying.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(storage.buffer))
    }

    /// Write access for in-place updates of parameters and optimizer state. Never use it on a tensor
    /// that a recorded graph still needs for its backward pass.
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(storage.buffer)
    }

    /// Overwrites the values with `other`'s (same shape), as loading a checkpoint does.
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "Tensor.assign: shape \(other.shape) does not match \(shape)")
        storage.pointer.update(from: other.storage.pointer, count: elementCount)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)(\(shown)\(elementCount > 8 ? ", …" : ""))"
    }
}
