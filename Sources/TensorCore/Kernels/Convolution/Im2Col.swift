/// im2col and its adjoint col2im: the packing that turns a convolution into one GEMM.
///
/// The column matrix of a group of g images is row-major [C·kH·kW, g·H'·W']: row (c, i, j),
/// column (image, oh, ow) holds x[image, c, oh·sH − pH + i, ow·sW − pW + j], or 0 where that
/// position is padding. Then W [O, C·kH·kW] · columns is the convolution of the whole group, laid
/// out [O, g, H'·W']. A masked convolution has rows for its live taps (i, j) only: [C·T, g·H'·W']
/// for T live taps, multiplied by the kernel's live columns [O, C·T].
///
/// Read straight from the input, a column-matrix row is a strided gather with padding checks in
/// every output row, and the rows are short (7 or 14 floats in the conv VAE): that ran at
/// 0.3–0.9 Gfloat/s. So each input plane is first copied into a small padded, column-phased buffer
/// that stays in L1 (``PhasedPlane``); every column-matrix row is then H' unit-stride copies of W'
/// floats with SIMD loads and stores, and the column matrix is written exactly once, with no
/// padding checks. col2im runs the same way backwards: sums into the buffer with unit stride, then
/// one pass back into the input plane.
///
/// Threads split by (image, channel) plane: all column rows of a plane belong to its channel, so
/// no two threads write the same memory.
enum Im2Col {
    /// Fills `columns` ([K, images.count·H'·W'], K = ``ConvolutionGeometry/patchLength``) from the
    /// images `images` of `input` ([N, C, H, W]), on up to `threads` threads.
    static func pack(_ input: UnsafePointer<Float>, images: Range<Int>, _ geometry: ConvolutionGeometry, threads: Int,
                     into columns: UnsafeMutablePointer<Float>) {
        let g = geometry
        let groupSize = images.count, first = images.lowerBound
        // Channel-major units, so consecutive units write neighbouring stretches of each row.
        let units = g.inputChannels * groupSize
        nonisolated(unsafe) let (source, destination) = (input, columns)
        let chunks = Swift.min(threads, ComputeThreads.chunkCount(g.patchLength * groupSize * g.outputPlane))
        ComputeThreads.forEachChunk(units, chunks: chunks) { _, range in
            let phased = TensorStorage(count: g.phasedBlock)
            for unit in range {
                let channel = unit / groupSize, image = unit % groupSize
                PhasedPlane.split(source + ((first + image) * g.inputChannels + channel) * g.inputPlane, g, into: phased.pointer)
                let rows = destination + (channel * g.tapsPerChannel * groupSize + image) * g.outputPlane
                PhasedPlane.forEachTap(g) { tap, offset in
                    copyTap(from: phased.pointer + offset, g, to: rows + tap * groupSize * g.outputPlane)
                }
            }
        }
    }

    /// The adjoint of ``pack(_:images:_:threads:into:)``: writes the images `images` of `output`
    /// ([N, C, H, W]) as the sum of every column entry that `pack` would have read from each pixel
    /// (overlapping patches add up), plus `bias[c]` when given; on up to `threads` threads.
    static func unpackSumming(_ columns: UnsafePointer<Float>, images: Range<Int>, _ geometry: ConvolutionGeometry,
                              bias: UnsafePointer<Float>? = nil, threads: Int, into output: UnsafeMutablePointer<Float>) {
        let g = geometry
        let groupSize = images.count, first = images.lowerBound
        let units = groupSize * g.inputChannels   // image-major: units are the output planes in order
        nonisolated(unsafe) let (source, destination, bias) = (columns, output, bias)
        let chunks = Swift.min(threads, ComputeThreads.chunkCount(g.patchLength * groupSize * g.outputPlane))
        ComputeThreads.forEachChunk(units, chunks: chunks) { _, range in
            let phased = TensorStorage(count: g.phasedBlock)
            for unit in range {
                let image = unit / g.inputChannels, channel = unit % g.inputChannels
                phased.pointer.update(repeating: 0, count: g.phasedBlock)
                let rows = source + (channel * g.tapsPerChannel * groupSize + image) * g.outputPlane
                PhasedPlane.forEachTap(g) { tap, offset in
                    addTap(from: rows + tap * groupSize * g.outputPlane, g, to: phased.pointer + offset)
                }
                let plane = destination + (first * g.inputChannels + unit) * g.inputPlane
                plane.update(repeating: bias?[channel] ?? 0, count: g.inputPlane)
                PhasedPlane.merge(phased.pointer, g, into: plane)
            }
        }
    }

    // MARK: Rows

    /// One column-matrix row (H'·W' floats) from a tap's window of the phased buffer. The length
    /// test is made once per tap, not per row, and the pointers advance instead of being recomputed.
    @inline(__always)
    static func copyTap(from window: UnsafePointer<Float>, _ g: ConvolutionGeometry, to row: UnsafeMutablePointer<Float>) {
        let width = g.outputWidth, pitch = g.windowPitch
        if pitch == width {   // the window's rows are contiguous: one copy
            ShortRows.copy(window, to: row, count: g.outputPlane)
            return
        }
        var source = window, target = row
        if width >= 4 && width < 8 {
            for _ in 0..<g.outputHeight {
                ShortRows.copyFourToEight(source, to: target, count: width)
                source += pitch
                target += width
            }
        } else {
            for _ in 0..<g.outputHeight {
                ShortRows.copy(source, to: target, count: width)
                source += pitch
                target += width
            }
        }
    }

    /// Adds one column-matrix row into a tap's window of the phased buffer.
    @inline(__always)
    static func addTap(from row: UnsafePointer<Float>, _ g: ConvolutionGeometry, to window: UnsafeMutablePointer<Float>) {
        let width = g.outputWidth, pitch = g.windowPitch
        if pitch == width {
            ShortRows.add(row, into: window, count: g.outputPlane)
            return
        }
        var source = row, target = window
        if width >= 4 && width < 8 {
            for _ in 0..<g.outputHeight {
                ShortRows.addFourToEight(source, into: target, count: width)
                source += width
                target += pitch
            }
        } else {
            for _ in 0..<g.outputHeight {
                ShortRows.add(source, into: target, count: width)
                source += width
                target += pitch
            }
        }
    }
}
