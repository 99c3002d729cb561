import CBLAS
import TensorCore

/// GEMM throughput through the engine (Tensor.matmul and the fused affine map) against
/// cblas_sgemm called directly on the same buffers, for every product of one training step of
/// the 784-400-20-400-784 MLP VAE at batch 128.
enum GemmBenchmark {
    struct Product {
        let name: String
        let m: Int, n: Int, k: Int
        let transposeA: Bool, transposeB: Bool
    }

    /// Forward x·Wᵀ, then the two backward products dX = G·W and dW = Gᵀ·X of each layer.
    static let products: [Product] = [
        Product(name: "enc fc1 fwd  x·Wᵀ", m: 128, n: 400, k: 784, transposeA: false, transposeB: true),
        Product(name: "enc fc1 bwd  Gᵀ·x", m: 400, n: 784, k: 128, transposeA: true, transposeB: false),
        Product(name: "heads fwd    h·Wᵀ", m: 128, n: 20, k: 400, transposeA: false, transposeB: true),
        Product(name: "heads bwd    G·W", m: 128, n: 400, k: 20, transposeA: false, transposeB: false),
        Product(name: "dec fc3 fwd  z·Wᵀ", m: 128, n: 400, k: 20, transposeA: false, transposeB: true),
        Product(name: "dec fc4 fwd  h·Wᵀ", m: 128, n: 784, k: 400, transposeA: false, transposeB: true),
        Product(name: "dec fc4 bwd  G·W", m: 128, n: 400, k: 784, transposeA: false, transposeB: false),
        Product(name: "dec fc4 bwd  Gᵀ·h", m: 784, n: 400, k: 128, transposeA: true, transposeB: false),
    ]

    static func run(repeats: Int) {
        print("\n## GEMM: engine vs cblas_sgemm (GFLOP/s, median of \(repeats))")
        let widths = [20, 16, 10, 10, 8]
        printRow(["product", "m×n×k", "direct", "engine", "ratio"], widths: widths)
        var generator = RandomGenerator(seed: 1)
        var totalDirect = 0.0, totalEngine = 0.0
        for product in products {
            let a = Tensor.normal(product.transposeA ? [product.k, product.m] : [product.m, product.k], using: &generator)
            let b = Tensor.normal(product.transposeB ? [product.n, product.k] : [product.k, product.n], using: &generator)
            var c = [Float](repeating: 0, count: product.m * product.n)
            let flops = 2.0 * Double(product.m * product.n * product.k)
            let direct = a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        Timing.median(repeats: repeats) {
                            cblas_sgemm(CblasRowMajor, product.transposeA ? CblasTrans : CblasNoTrans,
                                        product.transposeB ? CblasTrans : CblasNoTrans,
                                        Int32(product.m), Int32(product.n), Int32(product.k), 1,
                                        a.baseAddress, Int32(product.transposeA ? product.m : product.k),
                                        b.baseAddress, Int32(product.transposeB ? product.k : product.n),
                                        0, c.baseAddress, Int32(product.n))
                        }
                    }
                }
            }
            let engine = Timing.median(repeats: repeats) {
                _ = a.matmul(b, transposeSelf: product.transposeA, transposeOther: product.transposeB)
            }
            totalDirect += direct
            totalEngine += engine
            printRow([product.name, "\(product.m)×\(product.n)×\(product.k)", format(flops / direct / 1e9, 1),
                      format(flops / engine / 1e9, 1), format(direct / engine, 3)], widths: widths)
        }
        let allFlops = products.reduce(0.0) { $0 + 2.0 * Double($1.m * $1.n * $1.k) }
        printRow(["all of the above", "", format(allFlops / totalDirect / 1e9, 1), format(allFlops / totalEngine / 1e9, 1),
                  format(totalDirect / totalEngine, 3)], widths: widths)
    }
}
