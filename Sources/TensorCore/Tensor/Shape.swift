/// The dimensions of a row-major tensor, outermost first.
///
/// A scalar has rank 0 and one element. Shapes print as `[128, 784]`, which is how
/// shape errors name them.
public struct Shape: Hashable, Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    public let dimensions: [Int]

    public init(_ dimensions: [Int]) {
        precondition(dimensions.allSatisfy { $0 >= 0 }, "Shape \(dimensions) has a negative dimension")
        self.dimensions = dimensions
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The shape of a single number.
    public static let scalar = Shape([])

    public var rank: Int { dimensions.count }

    /// Number of elements: the product of the dimensions (1 for a scalar).
    public var elementCount: Int { dimensions.reduce(1, *) }

    public subscript(axis: Int) -> Int { dimensions[axis] }

    /// Row-major strides in elements: the last axis has stride 1.
    public var strides: [Int] {
        var strides = [Int](repeating: 1, count: rank)
        var running = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= dimensions[axis]
        }
        return strides
    }

    /// Resolves a possibly negative axis (−1 is the last) against this rank.
    public func normalizedAxis(_ axis: Int, op: String) -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        precondition(resolved >= 0 && resolved < rank, "\(op): axis \(axis) is out of range for shape \(self)")
        return resolved
    }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}
