import CDNNL
import Foundation

/// Row-major GEMMs through oneDNN's matmul primitive, which picks its kernels by the CPU's
/// instruction sets (AVX2, AVX-512, AVX512_BF16, AMX) rather than by a table of CPU models.
///
/// Creating a primitive costs far more than running one small GEMM, so primitives are made once
/// per shape and kept. Each thread keeps its own: its primitives, the memory objects that point
/// them at buffers, and its stream. Nothing is shared between threads but the engine, so nothing
/// is locked on the way to a GEMM.
enum OneDNNMatmul {
    /// The shape and constants one primitive is made for. α and β are baked into the primitive
    /// (output scale and sum post-op), as are transposes and leading dimensions (strides), and the
    /// operands' number format: FP32, or bf16 (C stays FP32 either way).
    struct Key: Hashable {
        let transposeA: Bool, transposeB: Bool
        let m: Int, n: Int, k: Int
        let lda: Int, ldb: Int, ldc: Int
        let alpha: Float, beta: Float
        var bfloat16Operands = false
    }

    /// The CPU engine, created on first use; nil when oneDNN cannot make one. oneDNN engines may be
    /// used from any thread.
    nonisolated(unsafe) static let engine: dnnl_engine_t? = {
        var engine: dnnl_engine_t?
        guard dnnl_engine_create(&engine, dnnl_cpu, 0) == dnnl_success else { return nil }
        // Each thread keeps its own primitives by shape (``OneDNNThreadContext``); oneDNN's global cache
        // would keep a second reference to every one of them, and their memory with it.
        _ = dnnl_set_primitive_cache_capacity(0)
        return engine
    }()

    /// The instruction sets whose kernels oneDNN's FP32 matmul chooses between, as
    /// `ONEDNN_MAX_CPU_ISA` spells them, with the /proc/cpuinfo flags each needs.
    static let instructionSets: [(name: String, isa: dnnl_cpu_isa_t, flags: [String])] = [
        ("SSE41", dnnl_cpu_isa_sse41, ["sse4_1"]),
        ("AVX2", dnnl_cpu_isa_avx2, ["avx2", "fma"]),
        ("AVX512_CORE", dnnl_cpu_isa_avx512_core, ["avx512f", "avx512bw", "avx512vl", "avx512dq"]),
    ]

    /// Those of ``instructionSets`` this CPU runs.
    static var runnableInstructionSets: [String] {
        instructionSets.filter { $0.flags.allSatisfy(CPUInfo.flags.contains) }.map(\.name)
    }

    /// The newest instruction set oneDNN uses in this process (limited by `ONEDNN_MAX_CPU_ISA`),
    /// e.g. "AVX2" or "AVX512_CORE_BF16".
    static var instructionSet: String {
        let isa = dnnl_get_effective_cpu_isa()
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_sse41, "SSE41"), (dnnl_cpu_isa_avx, "AVX"), (dnnl_cpu_isa_avx2, "AVX2"),
            (dnnl_cpu_isa_avx2_vnni, "AVX2_VNNI"), (dnnl_cpu_isa_avx512_core, "AVX512_CORE"),
            (dnnl_cpu_isa_avx512_core_vnni, "AVX512_CORE_VNNI"), (dnnl_cpu_isa_avx512_core_bf16, "AVX512_CORE_BF16"),
            (dnnl_cpu_isa_avx512_core_amx, "AVX512_CORE_AMX"),
        ]
        return names.first { $0.0 == isa }?.1 ?? "ISA \(isa.rawValue)"
    }

    /// Whether bf16 GEMMs run on oneDNN's bf16 kernels in this process: the instruction set oneDNN
    /// uses (limited by `ONEDNN_MAX_CPU_ISA`) has bf16 dot products (AVX512_BF16, or AMX), and
    /// oneDNN makes a matmul with bf16 operands. Where it does not, ``BLAS`` emulates bf16 GEMMs.
    /// (oneDNN would make such a matmul on plain AVX-512 too, by emulating bf16 in its own way; the
    /// engine's emulation is used there instead, so that only real bf16 kernels are called native.)
    static let runsBFloat16Natively: Bool = {
        let bf16 = dnnl_cpu_isa_avx512_core_bf16.rawValue   // ISA values are supersets' bit masks
        guard dnnl_get_effective_cpu_isa().rawValue & bf16 == bf16, let engine else { return false }
        let probe = Key(transposeA: false, transposeB: false, m: 64, n: 64, k: 64, lda: 64, ldb: 64, ldc: 64,
                        alpha: 1, beta: 0, bfloat16Operands: true)
        return Product(probe, engine: engine) != nil
    }()

    /// Whether oneDNN runs AVX-512 kernels (or newer) in this process. Its fastest matmul kernels
    /// there, "brgemm", take dense operands only: oneDNN 2.6 runs them only when each operand's
    /// stored rows are their own length (``DenseBlockGEMM``); on AVX2 its one kernel set takes
    /// windows as they are. And there its direct convolutions beat im2col + GEMM
    /// (``OneDNNConvolution``).
    static let runsAVX512Kernels: Bool = {
        let avx512 = dnnl_cpu_isa_avx512_core.rawValue
        return dnnl_get_effective_cpu_isa().rawValue & avx512 == avx512
    }()

    /// For logs: "oneDNN 2.6.3, AVX2 kernels".
    static var description: String {
        let version = dnnl_version().pointee
        return "oneDNN \(version.major).\(version.minor).\(version.patch), \(instructionSet) kernels"
    }

    /// C[0..<m, 0..<n] = α·op(A)·op(B) + β·C with the strides of `key`, on the calling thread; A and
    /// B hold FP32 values, or bf16 bits (UInt16) when `key.bfloat16Operands`. Returns false when
    /// oneDNN refused the shape (the caller then computes it another way).
    static func multiply(_ key: Key, a: UnsafeRawPointer, b: UnsafeRawPointer, c: UnsafeMutablePointer<Float>) -> Bool {
        guard let context = OneDNNThreadContext.current,
              let product = context.primitive(for: key, make: { Product(key, engine: $0) }) else { return false }
        return product.run(a: a, b: b, c: c, scratch: context.scratch(bytes: product.scratchpadBytes), stream: context.stream)
    }

    /// One primitive with its memory objects, re-pointed at new buffers on each run.
    final class Product: OneDNNKeptPrimitive {
        let primitive: dnnl_primitive_t
        let source: dnnl_memory_t, weights: dnnl_memory_t, destination: dnnl_memory_t
        /// The primitive's scratch memory (packing and accumulation buffers), pointed at the
        /// thread's one scratch buffer on each run; nil when it needs none.
        let scratchpad: dnnl_memory_t?
        /// Bytes of scratch memory the primitive needs.
        let scratchpadBytes: Int
        /// What the primitive is charged against its thread's ``OneDNNThreadContext/budget``: 24 KB
        /// and the size of C. A proxy set by measuring whole trainings: charged this way, the
        /// sentence VAE's peak stays within 12 MiB of OpenBLAS's and PixelRNN's small products stay
        /// cached. The primitive itself is small: oneDNN 2.6's matmul on AVX2 ("gemm:jit") holds
        /// 23 KiB, 44 KiB with a sum post-op; what the process gains while products run (108–467
        /// KiB per product of m = 32 … 3,200 rows, k = 256) stays resident after the primitives are
        /// destroyed, so it is the allocator's high-water mark rather than the primitives'
        /// (Benchmarks/floors/onednn_matmul_memory.c).
        let estimatedBytes: Int

        init?(_ key: Key, engine: dnnl_engine_t) {
            // Transposes become strides: stored row-major A is m×k, or k×m read column by column.
            var aDescriptor = dnnl_memory_desc_t(), bDescriptor = dnnl_memory_desc_t(), cDescriptor = dnnl_memory_desc_t()
            let aStrides: [dnnl_dim_t] = key.transposeA ? [1, dnnl_dim_t(key.lda)] : [dnnl_dim_t(key.lda), 1]
            let bStrides: [dnnl_dim_t] = key.transposeB ? [1, dnnl_dim_t(key.ldb)] : [dnnl_dim_t(key.ldb), 1]
            let operandType = key.bfloat16Operands ? dnnl_bf16 : dnnl_f32
            guard dnnl_memory_desc_init_by_strides(&aDescriptor, 2, [dnnl_dim_t(key.m), dnnl_dim_t(key.k)], operandType, aStrides) == dnnl_success,
                  dnnl_memory_desc_init_by_strides(&bDescriptor, 2, [dnnl_dim_t(key.k), dnnl_dim_t(key.n)], operandType, bStrides) == dnnl_success,
                  dnnl_memory_desc_init_by_strides(&cDescriptor, 2, [dnnl_dim_t(key.m), dnnl_dim_t(key.n)], dnnl_f32,
                                                   [dnnl_dim_t(key.ldc), 1]) == dnnl_success
            else { return nil }
            var descriptor = dnnl_matmul_desc_t()
            guard dnnl_matmul_desc_init(&descriptor, &aDescriptor, &bDescriptor, nil, &cDescriptor) == dnnl_success,
                  let attributes = Self.attributes(alpha: key.alpha, beta: key.beta) else { return nil }
            defer { dnnl_primitive_attr_destroy(attributes) }
            var primitiveDescriptor: dnnl_primitive_desc_t?
            guard dnnl_primitive_desc_create(&primitiveDescriptor, &descriptor, attributes, engine, nil) == dnnl_success,
                  let primitiveDescriptor else { return nil }
            defer { dnnl_primitive_desc_destroy(primitiveDescriptor) }
            var primitive: dnnl_primitive_t?
            var source: dnnl_memory_t?, weights: dnnl_memory_t?, destination: dnnl_memory_t?, scratchpad: dnnl_memory_t?
            let scratchpadDescriptor = dnnl_primitive_desc_query_md(primitiveDescriptor, dnnl_query_scratchpad_md, 0)
            let scratchpadBytes = scratchpadDescriptor.map { dnnl_memory_desc_get_size($0) } ?? 0
            // DNNL_MEMORY_NONE: the handles are set before every run.
            guard dnnl_primitive_create(&primitive, primitiveDescriptor) == dnnl_success, let primitive else { return nil }
            guard dnnl_memory_create(&source, &aDescriptor, engine, nil) == dnnl_success, let source,
                  dnnl_memory_create(&weights, &bDescriptor, engine, nil) == dnnl_success, let weights,
                  dnnl_memory_create(&destination, &cDescriptor, engine, nil) == dnnl_success, let destination,
                  scratchpadBytes == 0 || dnnl_memory_create(&scratchpad, scratchpadDescriptor, engine, nil) == dnnl_success
            else {
                dnnl_primitive_destroy(primitive)
                for memory in [source, weights, destination, scratchpad] { if let memory { dnnl_memory_destroy(memory) } }
                return nil
            }
            (self.primitive, self.source, self.weights, self.destination) = (primitive, source, weights, destination)
            (self.scratchpad, self.scratchpadBytes) = (scratchpad, scratchpadBytes)
            estimatedBytes = 24 << 10 + 4 * key.m * key.n
        }

        deinit {
            dnnl_primitive_destroy(primitive)
            dnnl_memory_destroy(source)
            dnnl_memory_destroy(weights)
            dnnl_memory_destroy(destination)
            if let scratchpad { dnnl_memory_destroy(scratchpad) }
        }

        /// α as the output scale and β as a sum post-op: C = α·A·B + β·C.
        private static func attributes(alpha: Float, beta: Float) -> dnnl_primitive_attr_t? {
            // The thread lends scratch memory on each run, so kept primitives share one buffer.
            guard let attributes = OneDNNThreadContext.scratchBorrowingAttributes() else { return nil }
            var ok = true
            if alpha != 1 {
                var scale = alpha
                ok = ok && dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &scale) == dnnl_success
            }
            if beta != 0 {
                var postOps: dnnl_post_ops_t?
                ok = ok && dnnl_post_ops_create(&postOps) == dnnl_success
                if let postOps {
                    ok = ok && dnnl_post_ops_append_sum(postOps, beta) == dnnl_success
                    ok = ok && dnnl_primitive_attr_set_post_ops(attributes, postOps) == dnnl_success
                    dnnl_post_ops_destroy(postOps)
                }
            }
            guard ok else {
                dnnl_primitive_attr_destroy(attributes)
                return nil
            }
            return attributes
        }

        /// Runs the product with `scratch` (at least ``scratchpadBytes`` bytes) as its scratch memory.
        func run(a: UnsafeRawPointer, b: UnsafeRawPointer, c: UnsafeMutablePointer<Float>,
                 scratch: UnsafeMutableRawPointer?, stream: dnnl_stream_t) -> Bool {
            guard dnnl_memory_set_data_handle(source, UnsafeMutableRawPointer(mutating: a)) == dnnl_success,
                  dnnl_memory_set_data_handle(weights, UnsafeMutableRawPointer(mutating: b)) == dnnl_success,
                  dnnl_memory_set_data_handle(destination, UnsafeMutableRawPointer(c)) == dnnl_success else { return false }
            var arguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC_0, memory: source),
                dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS_0, memory: weights),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST_0, memory: destination),
            ]
            if let scratchpad {
                guard dnnl_memory_set_data_handle(scratchpad, scratch) == dnnl_success else { return false }
                arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad))
            }
            return dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments) == dnnl_success
                && dnnl_stream_wait(stream) == dnnl_success
        }
    }
}
