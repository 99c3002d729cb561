import CDNNL

/// One of oneDNN's direct convolution primitives (forward, backward data or backward weights) for
/// one round's shape, with the reorders between the engine's plain layouts (NCHW activations,
/// OIHW weights) and the blocked ones the primitive runs fastest in (for example nChw8c on AVX2).
///
/// The blocked copies and the primitive's scratchpad live in the thread's scratch buffer
/// (``OneDNNThreadContext/scratch(bytes:)``), so a kept primitive holds no data memory.
final class OneDNNConvolutionPrimitive: OneDNNKeptPrimitive {
    /// One argument of the convolution: the caller's plain memory and, when the primitive wants
    /// another layout, a blocked copy in scratch with the reorder that fills it (an input) or
    /// empties it (an output).
    struct Operand {
        let argument: Int32
        let plain: dnnl_memory_t
        let blocked: dnnl_memory_t?
        let reorder: dnnl_primitive_t?
        let isOutput: Bool
        /// Where the blocked copy starts in the scratch buffer.
        let scratchOffset: Int
    }

    let convolution: dnnl_primitive_t
    let operands: [Operand]
    let scratchpad: dnnl_memory_t?
    let scratchpadOffset: Int
    /// Bytes of scratch one run uses: the blocked copies, then the scratchpad.
    let scratchBytes: Int
    /// JIT code and descriptors; the data lives in scratch.
    let estimatedBytes = 128 << 10

    /// The primitive of `key`'s pass, or nil when oneDNN offers none.
    init?(_ key: OneDNNConvolution.Key, engine: dnnl_engine_t) {
        var sourceDims = [key.images, key.inputChannels, key.inputHeight, key.inputWidth].map { dnnl_dim_t($0) }
        var weightDims = [key.outputChannels, key.inputChannels, key.kernelHeight, key.kernelWidth].map { dnnl_dim_t($0) }
        var destinationDims = [key.images, key.outputChannels, key.outputHeight, key.outputWidth].map { dnnl_dim_t($0) }
        var biasDims = [dnnl_dim_t(key.outputChannels)]
        func descriptor(_ dims: inout [dnnl_dim_t], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
            var descriptor = dnnl_memory_desc_t()
            return dnnl_memory_desc_init_by_tag(&descriptor, Int32(dims.count), &dims, dnnl_f32, tag) == dnnl_success ? descriptor : nil
        }
        guard let plainSource = descriptor(&sourceDims, dnnl_nchw), let plainWeights = descriptor(&weightDims, dnnl_oihw),
              let plainDestination = descriptor(&destinationDims, dnnl_nchw), var plainBias = descriptor(&biasDims, dnnl_x),
              var anySource = descriptor(&sourceDims, dnnl_format_tag_any), var anyWeights = descriptor(&weightDims, dnnl_format_tag_any),
              var anyDestination = descriptor(&destinationDims, dnnl_format_tag_any)
        else { return nil }
        let strides = [key.strideHeight, key.strideWidth].map { dnnl_dim_t($0) }
        let low = [key.paddingTop, key.paddingLeft].map { dnnl_dim_t($0) }
        let high = [key.paddingBottom, key.paddingRight].map { dnnl_dim_t($0) }

        // Every pass is made with the forward primitive as its hint, as oneDNN requires.
        var forwardDescriptor = dnnl_convolution_desc_t()
        let hasBias = key.pass == .forward(bias: true)
        let described = hasBias
            ? dnnl_convolution_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct, &anySource,
                                                 &anyWeights, &plainBias, &anyDestination, strides, low, high)
            : dnnl_convolution_forward_desc_init(&forwardDescriptor, dnnl_forward_training, dnnl_convolution_direct, &anySource,
                                                 &anyWeights, nil, &anyDestination, strides, low, high)
        guard described == dnnl_success,
              let attributes = OneDNNThreadContext.scratchBorrowingAttributes() else { return nil }
        defer { dnnl_primitive_attr_destroy(attributes) }
        var forwardPrimitiveDescriptor: dnnl_primitive_desc_t?
        guard dnnl_primitive_desc_create(&forwardPrimitiveDescriptor, &forwardDescriptor, attributes, engine, nil) == dnnl_success,
              let forwardPrimitiveDescriptor else { return nil }
        defer { dnnl_primitive_desc_destroy(forwardPrimitiveDescriptor) }

        // The forward pass is the hint itself; a backward pass is made from its own descriptor.
        var backwardDescriptor = dnnl_convolution_desc_t()
        let arguments: [(argument: Int32, plain: dnnl_memory_desc_t, isOutput: Bool)]
        switch key.pass {
        case .forward:
            arguments = [(DNNL_ARG_SRC, plainSource, false), (DNNL_ARG_WEIGHTS, plainWeights, false),
                         (DNNL_ARG_DST, plainDestination, true)] + (hasBias ? [(DNNL_ARG_BIAS, plainBias, false)] : [])
        case .backwardData:
            guard dnnl_convolution_backward_data_desc_init(&backwardDescriptor, dnnl_convolution_direct, &anySource, &anyWeights,
                                                           &anyDestination, strides, low, high) == dnnl_success else { return nil }
            arguments = [(DNNL_ARG_DIFF_DST, plainDestination, false), (DNNL_ARG_WEIGHTS, plainWeights, false),
                         (DNNL_ARG_DIFF_SRC, plainSource, true)]
        case .backwardWeights:
            guard dnnl_convolution_backward_weights_desc_init(&backwardDescriptor, dnnl_convolution_direct, &anySource, &anyWeights,
                                                              nil, &anyDestination, strides, low, high) == dnnl_success else { return nil }
            arguments = [(DNNL_ARG_SRC, plainSource, false), (DNNL_ARG_DIFF_DST, plainDestination, false),
                         (DNNL_ARG_DIFF_WEIGHTS, plainWeights, true)]
        }
        var backwardPrimitiveDescriptor: dnnl_primitive_desc_t?
        if !key.pass.isForward {
            guard dnnl_primitive_desc_create(&backwardPrimitiveDescriptor, &backwardDescriptor, attributes, engine,
                                             forwardPrimitiveDescriptor) == dnnl_success, backwardPrimitiveDescriptor != nil
            else { return nil }
        }
        defer { if let backwardPrimitiveDescriptor { dnnl_primitive_desc_destroy(backwardPrimitiveDescriptor) } }
        let passPrimitiveDescriptor = backwardPrimitiveDescriptor ?? forwardPrimitiveDescriptor

        var operands: [Operand] = []
        var scratchBytes = 0
        var made: [dnnl_memory_t] = [], reorders: [dnnl_primitive_t] = []
        func release() {
            made.forEach { dnnl_memory_destroy($0) }
            reorders.forEach { dnnl_primitive_destroy($0) }
        }
        for (argument, plainDescriptor, isOutput) in arguments {
            var plainDescriptor = plainDescriptor
            guard let chosen = dnnl_primitive_desc_query_md(passPrimitiveDescriptor, dnnl_query_exec_arg_md, argument) else {
                release()
                return nil
            }
            var plain: dnnl_memory_t?
            guard dnnl_memory_create(&plain, &plainDescriptor, engine, nil) == dnnl_success, let plain else {
                release()
                return nil
            }
            made.append(plain)
            if dnnl_memory_desc_equal(chosen, &plainDescriptor) != 0 {
                operands.append(Operand(argument: argument, plain: plain, blocked: nil, reorder: nil, isOutput: isOutput, scratchOffset: 0))
                continue
            }
            var blocked: dnnl_memory_t?, reorderDescriptor: dnnl_primitive_desc_t?, reorder: dnnl_primitive_t?
            guard dnnl_memory_create(&blocked, chosen, engine, nil) == dnnl_success, let blocked else {
                release()
                return nil
            }
            made.append(blocked)
            let described = withUnsafePointer(to: &plainDescriptor) { plainPointer in
                let (from, to) = isOutput ? (chosen, plainPointer) : (plainPointer, chosen)
                return dnnl_reorder_primitive_desc_create(&reorderDescriptor, from, engine, to, engine, nil) == dnnl_success
            }
            guard described, let reorderDescriptor else {
                release()
                return nil
            }
            defer { dnnl_primitive_desc_destroy(reorderDescriptor) }
            guard dnnl_primitive_create(&reorder, reorderDescriptor) == dnnl_success, let reorder else {
                release()
                return nil
            }
            reorders.append(reorder)
            operands.append(Operand(argument: argument, plain: plain, blocked: blocked, reorder: reorder, isOutput: isOutput,
                                    scratchOffset: scratchBytes))
            scratchBytes += Self.aligned(dnnl_memory_desc_get_size(chosen))
        }
        var scratchpad: dnnl_memory_t?
        let scratchpadDescriptor = dnnl_primitive_desc_query_md(passPrimitiveDescriptor, dnnl_query_scratchpad_md, 0)
        let scratchpadBytes = scratchpadDescriptor.map { dnnl_memory_desc_get_size($0) } ?? 0
        var convolution: dnnl_primitive_t?
        guard scratchpadBytes == 0 || dnnl_memory_create(&scratchpad, scratchpadDescriptor, engine, nil) == dnnl_success,
              dnnl_primitive_create(&convolution, passPrimitiveDescriptor) == dnnl_success, let convolution else {
            release()
            if let scratchpad { dnnl_memory_destroy(scratchpad) }
            return nil
        }
        self.convolution = convolution
        self.operands = operands
        self.scratchpad = scratchpad
        self.scratchpadOffset = scratchBytes
        self.scratchBytes = scratchBytes + Self.aligned(scratchpadBytes)
    }

    deinit {
        dnnl_primitive_destroy(convolution)
        for operand in operands {
            dnnl_memory_destroy(operand.plain)
            if let blocked = operand.blocked { dnnl_memory_destroy(blocked) }
            if let reorder = operand.reorder { dnnl_primitive_destroy(reorder) }
        }
        if let scratchpad { dnnl_memory_destroy(scratchpad) }
    }

    /// Runs the pass on the caller's plain buffers, one per argument (DNNL_ARG_SRC and so on).
    /// Returns false if oneDNN reported an error.
    func run(_ buffers: [Int32: UnsafeMutableRawPointer], context: OneDNNThreadContext) -> Bool {
        let scratch = context.scratch(bytes: scratchBytes)
        let stream = context.stream
        var arguments: [dnnl_exec_arg_t] = []
        var ok = true
        func execute(_ primitive: dnnl_primitive_t, _ arguments: [dnnl_exec_arg_t]) {
            ok = ok && dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments) == dnnl_success
        }
        for operand in operands {
            guard let buffer = buffers[operand.argument],
                  dnnl_memory_set_data_handle(operand.plain, buffer) == dnnl_success else { return false }
            guard let blocked = operand.blocked, let reorder = operand.reorder else {
                arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: operand.plain))
                continue
            }
            guard dnnl_memory_set_data_handle(blocked, scratch! + operand.scratchOffset) == dnnl_success else { return false }
            arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: blocked))
            if !operand.isOutput {
                execute(reorder, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: operand.plain), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: blocked)])
            }
        }
        if let scratchpad {
            guard dnnl_memory_set_data_handle(scratchpad, scratch! + scratchpadOffset) == dnnl_success else { return false }
            arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad))
        }
        execute(convolution, arguments)
        for operand in operands where operand.isOutput {
            if let blocked = operand.blocked, let reorder = operand.reorder {
                execute(reorder, [dnnl_exec_arg_t(arg: DNNL_ARG_FROM, memory: blocked), dnnl_exec_arg_t(arg: DNNL_ARG_TO, memory: operand.plain)])
            }
        }
        return ok && dnnl_stream_wait(stream) == dnnl_success
    }

    private static func aligned(_ bytes: Int) -> Int { (bytes + 63) / 64 * 64 }
}
