/// Elementwise functions as small value types, so that one generic loop, specialized for each,
/// runs the forward pass and the VJP without an indirect call per element.
protocol ElementwiseFunction {
    /// y = f(x).
    func value(_ x: Float) -> Float
    /// dy/dx, given both x and the y that `value` produced (whichever is cheaper to use).
    func derivative(x: Float, y: Float) -> Float
    /// The same function as a loop of ``VectorKernels``, at the CPU's vector width, or nil.
    var vectorLoop: VectorKernels.Loop? { get }
}

extension ElementwiseFunction {
    var vectorLoop: VectorKernels.Loop? { nil }
}

extension Tensor {
    /// Applies `function` to every element and records the VJP `upstream · f′(x)`.
    @inline(__always)
    func applying<F: ElementwiseFunction>(_ function: F) -> Tensor {
        let input = self
        return Tensor(shape: shape) { out in
            if let loop = function.vectorLoop {
                VectorKernels.map(loop, input.storage.buffer, into: out)
            } else {
                Kernels.map(input.storage.buffer, into: out, ValueOf(function: function))
            }
        }
            .recorded(from: [input]) { context in
                [Tensor(shape: input.shape) { out in
                    Kernels.zip3(context.upstream.storage.buffer, input.storage.buffer, context.output.storage.buffer,
                                 into: out, ChainRule(function: function))
                }]
            }
    }
}

/// x ↦ f(x), as a kernel.
struct ValueOf<F: ElementwiseFunction>: UnaryFunction {
    let function: F
    func callAsFunction(_ x: Float) -> Float { function.value(x) }
}

/// (upstream, x, y) ↦ upstream · f′(x): the VJP of an elementwise function, as a kernel.
struct ChainRule<F: ElementwiseFunction>: TernaryFunction {
    let function: F
    func callAsFunction(_ upstream: Float, _ x: Float, _ y: Float) -> Float { upstream * function.derivative(x: x, y: y) }
}
