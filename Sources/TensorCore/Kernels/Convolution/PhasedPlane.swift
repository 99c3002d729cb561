/// The buffer through which im2col reads an input plane and col2im writes one: the plane with its
/// zero padding, each row split into the stride's column phases.
///
/// Row p of the buffer is padded input row p − pH (zero outside the plane). Within a row, column
/// phase r holds the padded columns sW·m + r for m = 0, 1, …, phaseWidth − 1, that is input column
/// sW·m + r − pW (zero outside the plane). Kernel tap (i, j) at output (oh, ow) reads padded pixel
/// (oh·sH + i, ow·sW + j), which is phase j mod sW, entry ow + j / sW of buffer row oh·sH + i: for
/// every output row a run of W' consecutive floats. So a column-matrix row is H' unit-stride
/// copies, and the strided reads happen once per input pixel, when the buffer is filled.
///
/// For stride 2 across, the common case, a row is split into its even and odd columns with SIMD
/// shuffles and merged back the same way; stride 1 is a plain copy and larger strides a scalar loop.
enum PhasedPlane {
    /// Fills `buffer` (``ConvolutionGeometry/phasedBlock`` floats) from one input plane ([H, W]).
    /// The buffer is small (about one padded plane), so it is zeroed whole and the inside copied over.
    static func split(_ plane: UnsafePointer<Float>, _ g: ConvolutionGeometry, into buffer: UnsafeMutablePointer<Float>) {
        buffer.update(repeating: 0, count: g.phasedBlock)
        let pW = g.paddingWidth, phaseWidth = g.phaseWidth
        for inputRow in 0..<g.reachableHeight {
            let source = plane + inputRow * g.inputWidth
            let row = buffer + (inputRow + g.paddingHeight) * g.phasedRowLength
            switch g.strideWidth {
            case 1:
                ShortRows.copy(source, to: row + pW, count: g.reachableWidth)
            case 2:
                // Input column iw is padded column iw + pW: phase (iw + pW) mod 2, entry (iw + pW) / 2.
                ShortRows.deinterleave(source, count: g.reachableWidth,
                                       even: row + (pW & 1) * phaseWidth + (pW >> 1),
                                       odd: row + (1 - (pW & 1)) * phaseWidth + ((pW + 1) >> 1))
            default:
                var phase = pW % g.strideWidth, entry = pW / g.strideWidth
                for column in 0..<g.reachableWidth {
                    row[phase * phaseWidth + entry] = source[column]
                    phase += 1
                    if phase == g.strideWidth { phase = 0; entry += 1 }
                }
            }
        }
    }

    /// The adjoint of ``split(_:_:into:)``: adds each buffer entry that lies inside the plane to its
    /// pixel of `plane` ([H, W]); entries in the padding are dropped.
    static func merge(_ buffer: UnsafePointer<Float>, _ g: ConvolutionGeometry, into plane: UnsafeMutablePointer<Float>) {
        let pW = g.paddingWidth, phaseWidth = g.phaseWidth
        for inputRow in 0..<g.reachableHeight {
            let target = plane + inputRow * g.inputWidth
            let row = buffer + (inputRow + g.paddingHeight) * g.phasedRowLength
            switch g.strideWidth {
            case 1:
                ShortRows.add(row + pW, into: target, count: g.reachableWidth)
            case 2:
                ShortRows.interleaveAdd(even: row + (pW & 1) * phaseWidth + (pW >> 1),
                                        odd: row + (1 - (pW & 1)) * phaseWidth + ((pW + 1) >> 1),
                                        into: target, count: g.reachableWidth)
            default:
                var phase = pW % g.strideWidth, entry = pW / g.strideWidth
                for column in 0..<g.reachableWidth {
                    target[column] += row[phase * phaseWidth + entry]
                    phase += 1
                    if phase == g.strideWidth { phase = 0; entry += 1 }
                }
            }
        }
    }

    /// Calls `body(tap, offset)` for the kernel taps t = i·kW + j in order, with the offset in the
    /// buffer of the tap's window: row i, phase j mod sW, entry j / sW. Counters instead of
    /// divisions, because this runs once per input plane. For a masked convolution, `tap` counts
    /// the live taps only (it is the column-matrix row within the channel).
    @inline(__always)
    static func forEachTap(_ g: ConvolutionGeometry, _ body: (Int, Int) -> Void) {
        if let liveTaps = g.liveTaps {
            for (index, tap) in liveTaps.enumerated() {
                let i = tap / g.kernelWidth, j = tap % g.kernelWidth
                body(index, i * g.phasedRowLength + (j % g.strideWidth) * g.phaseWidth + j / g.strideWidth)
            }
            return
        }
        var tap = 0
        for i in 0..<g.kernelHeight {
            var phase = 0, entry = 0
            for _ in 0..<g.kernelWidth {
                body(tap, i * g.phasedRowLength + phase * g.phaseWidth + entry)
                tap += 1
                phase += 1
                if phase == g.strideWidth { phase = 0; entry += 1 }
            }
        }
    }
}
