import CBLAS
import CDNNL
import TensorCore

/// GEMM throughput through the engine (Tensor.matmul) beside the two libraries called directly
/// on the same buffers: oneDNN's matmul primitive on the whole product, threaded by oneDNN's own
/// OpenMP threads, and OpenBLAS's cblas_sgemm on its own threads; then the same in bf16 (the
/// engine under `GEMMPrecision.bfloat16`, oneDNN's matmul with bf16 operands where it makes one).
/// Shapes: every product of one training step of the 784-400-20-400-784 MLP VAE at batch 128,
/// then the sentence LSTM's.
enum GemmBenchmark {
    struct Product {
        let name: String
        let m: Int, n: Int, k: Int
        let transposeA: Bool, transposeB: Bool
        var flops: Double { 2.0 * Double(m * n * k) }
    }

    /// Forward x·Wᵀ, then the two backward products dX = G·W and dW = Gᵀ·X of each layer.
    static let mlpProducts: [Product] = [
        Product(name: "enc fc1 fwd  x·Wᵀ", m: 128, n: 400, k: 784, transposeA: false, transposeB: true),
        Product(name: "enc fc1 bwd  Gᵀ·x", m: 400, n: 784, k: 128, transposeA: true, transposeB: false),
        Product(name: "heads fwd    h·Wᵀ", m: 128, n: 20, k: 400, transposeA: false, transposeB: true),
        Product(name: "heads bwd    G·W", m: 128, n: 400, k: 20, transposeA: false, transposeB: false),
        Product(name: "dec fc3 fwd  z·Wᵀ", m: 128, n: 400, k: 20, transposeA: false, transposeB: true),
        Product(name: "dec fc4 fwd  h·Wᵀ", m: 128, n: 784, k: 400, transposeA: false, transposeB: true),
        Product(name: "dec fc4 bwd  G·W", m: 128, n: 400, k: 784, transposeA: false, transposeB: false),
        Product(name: "dec fc4 bwd  Gᵀ·h", m: 784, n: 400, k: 128, transposeA: true, transposeB: false),
    ]

    /// The sentence LSTM (256 hidden units, 4 gates, batch 32, 20 steps of 640 inputs at once).
    static let lstmProducts: [Product] = [
        Product(name: "lstm step    h·Wᵀ", m: 32, n: 1024, k: 256, transposeA: false, transposeB: true),
        Product(name: "lstm inputs  X·Wᵀ", m: 640, n: 1024, k: 256, transposeA: false, transposeB: true),
        Product(name: "lstm bwd     Gᵀ·X", m: 1024, n: 256, k: 640, transposeA: true, transposeB: false),
    ]

    static func run(repeats: Int) {
        print("\n## GEMM (GFLOP/s, median of \(repeats)): engine on \(GEMMBackend.summary), \(ComputeThreads.count) threads")
        print("oneDNN whole: one matmul primitive for the whole product on \(ComputeThreads.count) OpenMP threads; "
              + "OpenBLAS: cblas_sgemm on \(ComputeThreads.count) of its threads")
        let products = mlpProducts + lstmProducts
        // One library at a time over all products, the engine first: OpenMP's and OpenBLAS's idle
        // threads spin for a while after each call (OpenBLAS's for a good part of a second) and
        // take a core from whatever runs next; alternating them product by product halved the
        // engine's measured rate.
        var generator = RandomGenerator(seed: 1)
        let operands = products.map { product in
            (Tensor.normal(product.transposeA ? [product.k, product.m] : [product.m, product.k], using: &generator),
             Tensor.normal(product.transposeB ? [product.n, product.k] : [product.k, product.n], using: &generator))
        }
        func engineTimes(in precision: GEMMPrecision) -> [Double] {
            GEMMPrecision.with(precision) {
                zip(products, operands).map { product, operands in
                    Timing.median(repeats: repeats) {
                        _ = operands.0.matmul(operands.1, transposeSelf: product.transposeA, transposeOther: product.transposeB)
                    }
                }
            }
        }
        let engine = engineTimes(in: .float32)
        let threads = Int32(ComputeThreads.count)
        omp_set_num_threads(threads)
        let whole = zip(products, operands).map { product, operands in time(product, operands, repeats: repeats, oneDNN: true)! }
        let wholeBF16 = zip(products, operands).map { product, operands in
            time(product, operands, repeats: repeats, oneDNN: true, bfloat16: true)
        }
        omp_set_num_threads(1)
        openblas_set_num_threads(threads)
        let openBLAS = zip(products, operands).map { product, operands in time(product, operands, repeats: repeats, oneDNN: false)! }
        openblas_set_num_threads(1)
        let engineBF16 = engineTimes(in: .bfloat16)

        let widths = [20, 14, 12, 10, 10, 14]
        printRow(["product", "m×n×k", "oneDNN whole", "OpenBLAS", "engine", "engine/oneDNN"], widths: widths)
        for (set, range) in [("MLP VAE step", 0..<mlpProducts.count), ("sentence LSTM", mlpProducts.count..<products.count)] {
            for index in range {
                let product = products[index]
                printRow([product.name, "\(product.m)×\(product.n)×\(product.k)"]
                         + [whole[index], openBLAS[index], engine[index]].map { format(product.flops / $0 / 1e9, 1) }
                         + [format(whole[index] / engine[index], 3)], widths: widths)
            }
            let flops = range.reduce(0.0) { $0 + products[$1].flops }
            let totals = [whole, openBLAS, engine].map { times in range.reduce(0.0) { $0 + times[$1] } }
            printRow(["all of \(set)", ""] + totals.map { format(flops / $0 / 1e9, 1) } + [format(totals[0] / totals[2], 3)],
                     widths: widths)
        }

        print("\nbf16 operands, FP32 sums: \(GEMMPrecision.bfloat16Execution)")
        let bf16Widths = [20, 14, 12, 12, 14, 14]
        printRow(["product", "m×n×k", "oneDNN whole", "engine", "engine/oneDNN", "engine bf16/fp32"], widths: bf16Widths)
        for (set, range) in [("MLP VAE step", 0..<mlpProducts.count), ("sentence LSTM", mlpProducts.count..<products.count)] {
            let rows = range.map { index in (products[index].name, "\(products[index].m)×\(products[index].n)×\(products[index].k)",
                                            products[index].flops, wholeBF16[index], engineBF16[index], engine[index]) }
            let flops = range.reduce(0.0) { $0 + products[$1].flops }
            let total = { (times: [Double?]) in times.contains { $0 == nil } ? nil : range.reduce(0.0) { $0 + times[$1]! } }
            for (name, shape, flops, oneDNN, bf16, fp32) in rows + [("all of \(set)", "", flops, total(wholeBF16),
                                                                       total(engineBF16), total(engine))] {
                printRow([name, shape, oneDNN.map { format(flops / $0 / 1e9, 1) } ?? "refused",
                          format(flops / bf16! / 1e9, 1), oneDNN.map { format($0 / bf16!, 3) } ?? "",
                          format(fp32! / bf16!, 2)], widths: bf16Widths)
            }
        }
    }

    /// Seconds for one product called directly: oneDNN's matmul on the whole product, or cblas_sgemm.
    /// With `bfloat16`, oneDNN's matmul on bf16 copies of the operands; nil where oneDNN refuses it.
    private static func time(_ product: Product, _ operands: (Tensor, Tensor), repeats: Int, oneDNN: Bool,
                             bfloat16: Bool = false) -> Double? {
        var c = [Float](repeating: 0, count: product.m * product.n)
        let (lda, ldb) = (product.transposeA ? product.m : product.k, product.transposeB ? product.k : product.n)
        if bfloat16 {
            let (a, b) = (operands.0.scalars.map(BFloat16Rounding.bits), operands.1.scalars.map(BFloat16Rounding.bits))
            return a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        guard let whole = OneDNNWhole(product, lda: lda, ldb: ldb, operandType: dnnl_bf16,
                                                      a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!) else { return nil }
                        return Timing.median(repeats: repeats) { whole.run() }
                    }
                }
            }
        }
        return operands.0.withUnsafeBufferPointer { aBuffer in
            operands.1.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    let (a, b, c) = (aBuffer.baseAddress!, bBuffer.baseAddress!, cBuffer.baseAddress!)
                    if oneDNN {
                        let whole = OneDNNWhole(product, lda: lda, ldb: ldb, operandType: dnnl_f32, a: a, b: b, c: c)!
                        return Timing.median(repeats: repeats) { whole.run() }
                    }
                    return Timing.median(repeats: repeats) {
                        cblas_sgemm(CblasRowMajor, product.transposeA ? CblasTrans : CblasNoTrans,
                                    product.transposeB ? CblasTrans : CblasNoTrans,
                                    Int32(product.m), Int32(product.n), Int32(product.k), 1, a, Int32(lda),
                                    b, Int32(ldb), 0, c, Int32(product.n))
                    }
                }
            }
        }
    }

    /// One oneDNN matmul primitive for a whole product, with its memory objects bound to buffers.
    private final class OneDNNWhole {
        var engine: dnnl_engine_t?, stream: dnnl_stream_t?, primitive: dnnl_primitive_t?
        var memories: [dnnl_memory_t?] = [nil, nil, nil]

        /// nil when oneDNN makes no matmul for these operands (bf16 on a CPU without AVX-512).
        init?(_ product: Product, lda: Int, ldb: Int, operandType: dnnl_data_type_t,
              a: UnsafeRawPointer, b: UnsafeRawPointer, c: UnsafeMutablePointer<Float>) {
            dnnl_engine_create(&engine, dnnl_cpu, 0)
            dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)
            var descriptors = [dnnl_memory_desc_t](repeating: dnnl_memory_desc_t(), count: 3)
            let (m, n, k) = (dnnl_dim_t(product.m), dnnl_dim_t(product.n), dnnl_dim_t(product.k))
            dnnl_memory_desc_init_by_strides(&descriptors[0], 2, [m, k], operandType,
                                             product.transposeA ? [1, dnnl_dim_t(lda)] : [dnnl_dim_t(lda), 1])
            dnnl_memory_desc_init_by_strides(&descriptors[1], 2, [k, n], operandType,
                                             product.transposeB ? [1, dnnl_dim_t(ldb)] : [dnnl_dim_t(ldb), 1])
            dnnl_memory_desc_init_by_strides(&descriptors[2], 2, [m, n], dnnl_f32, [n, 1])
            var matmul = dnnl_matmul_desc_t()
            dnnl_matmul_desc_init(&matmul, &descriptors[0], &descriptors[1], nil, &descriptors[2])
            var primitiveDescriptor: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&primitiveDescriptor, &matmul, nil, engine, nil) == dnnl_success else { return nil }
            dnnl_primitive_create(&primitive, primitiveDescriptor)
            dnnl_primitive_desc_destroy(primitiveDescriptor)
            let pointers = [UnsafeMutableRawPointer(mutating: a), UnsafeMutableRawPointer(mutating: b), UnsafeMutableRawPointer(c)]
            for index in 0..<3 { dnnl_memory_create(&memories[index], &descriptors[index], engine, pointers[index]) }
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            for memory in memories { dnnl_memory_destroy(memory) }
            dnnl_stream_destroy(stream)
            dnnl_engine_destroy(engine)
        }

        func run() {
            let arguments = [dnnl_exec_arg_t(arg: DNNL_ARG_SRC_0, memory: memories[0]),
                             dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_0, memory: memories[1]),
                             dnnl_exec_arg_t(arg: DNNL_ARG_DST_0, memory: memories[2])]
            dnnl_primitive_execute(primitive, stream, 3, arguments)
            dnnl_stream_wait(stream)
        }
    }
}
