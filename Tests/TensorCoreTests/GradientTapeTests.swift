import XCTest
@testable import TensorCore

final class GradientTapeTests: XCTestCase {
    /// A tensor used twice receives the sum of both paths: d/dx (x·x + x) = 2x + 1.
    func testATensorUsedTwiceAccumulates() {
        let x = Tensor(shape: [3], scalars: [1, -2, 0.5], requiresGradient: true)
        let gradients = (x * x + x).sum().backward()
        XCTAssertEqual(gradients[x]?.scalars, [3, -3, 2])
        // Three uses through one shared intermediate: y = 2x; d/dx (y + y + y) = 6.
        let y = x * 2
        XCTAssertEqual((y + y + y).sum().backward()[x]?.scalars, [6, 6, 6])
    }

    /// Each variable is reported once, as soon as its last consumer has run, with its final
    /// gradient: the weight used last in the forward pass first, one used early and late last.
    func testVariablesAreReportedAsSoonAsTheirGradientsAreComplete() {
        let first = Tensor(shape: [3], scalars: [0.5, -1, 2], requiresGradient: true)
        let last = Tensor(shape: [3], scalars: [1.5, 0.25, -0.5], requiresGradient: true)
        let twice = Tensor(shape: [3], scalars: [-0.75, 1, 0.5], requiresGradient: true)
        let input = Tensor(shape: [3], scalars: [1, 2, 3])
        func loss() -> Tensor { ((((input * twice) * first).tanh() * last).exp() * twice).sum() }
        var reported: [(variable: Tensor, gradient: [Float])] = []
        let gradients = loss().backward { variable, gradient in reported.append((variable, gradient.scalars)) }
        XCTAssertEqual(reported.map { ObjectIdentifier($0.variable) }, [last, first, twice].map(ObjectIdentifier.init))
        for (variable, gradient) in reported { XCTAssertEqual(gradient, gradients[variable]?.scalars) }
        let plain = loss().backward()
        for variable in [first, last, twice] { XCTAssertEqual(gradients[variable]?.scalars, plain[variable]?.scalars) }
    }

    func testOnlyVariablesReceiveGradients() {
        let variable = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let data = Tensor(shape: [2], scalars: [3, 4])
        let gradients = (variable * data).sum().backward()
        XCTAssertEqual(gradients.count, 1)
        XCTAssertEqual(gradients[variable]?.scalars, [3, 4])
        XCTAssertNil(gradients[data])
        XCTAssertNil((data * data).sum().backward()[data], "data never requires gradients")
    }

    func testNoGradientScopeRecordsNothing() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let inside = withoutGradients { (x * x).exp() }
        XCTAssertFalse(inside.isDifferentiable)
        XCTAssert((x * x).isDifferentiable, "recording resumes after the scope")
        XCTAssertFalse((x * x).detached().isDifferentiable)
    }

    /// backward() releases the nodes it walks, so intermediates die even while the loss lives.
    func testGraphIsFreedByBackward() {
        let x = Tensor(shape: [100], scalars: .init(repeating: 1, count: 100), requiresGradient: true)
        weak var intermediate: Tensor?
        let loss: Tensor = {
            let hidden = (x * 3).exp()
            intermediate = hidden
            return hidden.sum()
        }()
        XCTAssertNotNil(intermediate, "the graph holds the intermediate before backward")
        _ = loss.backward()
        XCTAssertNil(intermediate, "backward must release the graph")
        XCTAssertFalse(loss.isDifferentiable)
    }

    func testExplicitSeedForNonScalarOutputs() {
        let x = Tensor(shape: [2], scalars: [1, 2], requiresGradient: true)
        let seed = Tensor(shape: [2], scalars: [10, 100])
        XCTAssertEqual((x * x).backward(seed: seed)[x]?.scalars, [20, 400])
    }

    /// Sums may differ across thread counts only by summation order. The partial sums are kept in
    /// Double, so over 10⁶ values in [0, 1) the results agree to within one Float32 rounding.
    func testSumsAcrossThreadCountsDifferOnlyByRounding() {
        defer { ComputeThreads.set(1) }
        var generator = RandomGenerator(seed: 1)
        let values = Tensor.uniform([1_000_000], using: &generator)
        ComputeThreads.set(1)
        let single = values.sum().scalar
        ComputeThreads.set(2)
        let double = values.sum().scalar
        XCTAssertEqual(single, double, accuracy: single.ulp)
        let exact = values.scalars.reduce(0.0) { $0 + Double($1) }
        XCTAssertEqual(Double(single), exact, accuracy: Double(single.ulp))
    }
}
