import CDNNL
import Foundation

/// A oneDNN primitive that a thread keeps for reuse, with what keeping it costs.
protocol OneDNNKeptPrimitive: AnyObject {
    /// Bytes charged against the thread's ``OneDNNThreadContext/budget`` while it is kept.
    var estimatedBytes: Int { get }
}

/// What one thread keeps for oneDNN: its stream, its primitives by shape (GEMMs and
/// convolutions alike) and one scratch buffer that every primitive borrows when it runs.
///
/// Nothing is shared between threads but the engine, so nothing is locked on the way to a
/// primitive.
final class OneDNNThreadContext {
    let stream: dnnl_stream_t
    /// Primitives by their key, each with the tick of its last use.
    private var kept: [AnyHashable: (primitive: OneDNNKeptPrimitive, lastUse: Int)] = [:]
    private var tick = 0
    /// Keys oneDNN refused, so they are not tried again on every call.
    private var refused: Set<AnyHashable> = []

    /// Bytes of primitives kept per thread (by ``OneDNNKeptPrimitive/estimatedBytes``); past it,
    /// the least recently used ones are dropped. The sentence models bring new GEMM shapes with
    /// every batch's sentence length: keeping 512 primitives per thread raised their peak by 280
    /// MiB, while the PixelRNN models reuse up to about 120 small ones per thread, which must stay
    /// cached (the Diagonal BiLSTM's step took 1.5× as long when they were made again and again).
    static let budget = 16 << 20
    private var keptBytes = 0

    /// Scratch memory for whichever primitive runs: one buffer per thread, as large as the
    /// largest asked for so far.
    private var scratchBuffer: UnsafeMutableRawPointer?
    private var scratchCapacity = 0

    private init?(engine: dnnl_engine_t) {
        var stream: dnnl_stream_t?
        guard dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue) == dnnl_success, let stream else { return nil }
        self.stream = stream
        // oneDNN would otherwise start a team of OpenMP threads for every call on this thread,
        // on top of the engine's own threads.
        omp_set_num_threads(1)
    }

    deinit {
        dnnl_stream_destroy(stream)
        scratchBuffer?.deallocate()
    }

    /// The thread's scratch buffer, grown to at least `bytes` (64-byte aligned); nil for none.
    /// Valid until the next call.
    func scratch(bytes: Int) -> UnsafeMutableRawPointer? {
        guard bytes > 0 else { return nil }
        if bytes > scratchCapacity {
            scratchBuffer?.deallocate()
            scratchBuffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            scratchCapacity = bytes
        }
        return scratchBuffer
    }

    /// New primitive attributes that make a primitive borrow its scratchpad from the running
    /// thread's ``scratch(bytes:)`` rather than own one; the caller destroys them.
    static func scratchBorrowingAttributes() -> dnnl_primitive_attr_t? {
        var attributes: dnnl_primitive_attr_t?
        guard dnnl_primitive_attr_create(&attributes) == dnnl_success, let attributes else { return nil }
        guard dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user) == dnnl_success else {
            dnnl_primitive_attr_destroy(attributes)
            return nil
        }
        return attributes
    }

    /// The kept primitive for `key`, made by `make` on first use; nil when oneDNN refuses it
    /// (then the caller computes another way, and the key is not tried again).
    func primitive<Primitive: OneDNNKeptPrimitive>(for key: AnyHashable, make: (dnnl_engine_t) -> Primitive?) -> Primitive? {
        tick += 1
        if let cached = kept[key] {
            kept[key]!.lastUse = tick
            return cached.primitive as? Primitive
        }
        guard !refused.contains(key), let engine = OneDNNMatmul.engine else { return nil }
        guard let primitive = make(engine) else {
            refused.insert(key)
            return nil
        }
        while keptBytes + primitive.estimatedBytes > Self.budget,
              let oldest = kept.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            kept[oldest.key] = nil
            keptBytes -= oldest.value.primitive.estimatedBytes
        }
        kept[key] = (primitive, tick)
        keptBytes += primitive.estimatedBytes
        return primitive
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { context in
            if let context { Unmanaged<OneDNNThreadContext>.fromOpaque(context).release() }
        }
        return key
    }()

    /// The calling thread's context, made on its first use; nil when oneDNN has no engine.
    static var current: OneDNNThreadContext? {
        if let stored = pthread_getspecific(key) {
            return Unmanaged<OneDNNThreadContext>.fromOpaque(stored).takeUnretainedValue()
        }
        guard let engine = OneDNNMatmul.engine, let context = OneDNNThreadContext(engine: engine) else { return nil }
        pthread_setspecific(key, Unmanaged.passRetained(context).toOpaque())
        return context
    }
}
