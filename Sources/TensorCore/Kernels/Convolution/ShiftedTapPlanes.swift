/// The copies between [H, W] planes and the zero-bordered planes of ``ShiftedTapConvolution``,
/// with the elementwise work of ``ShiftedTapConvolution/Fusion`` and the bias gradient done on the
/// way: each copy reads and writes every element once anyway, and the separate passes (ReLU, its
/// VJP, the residual add, the gradient sum at the fork, the bias sums) each cost as much as a copy.
///
/// Rows are W floats (28 in PixelCNN). Plain loops over a row vectorize; the sums and the adds
/// use the 8-lane chunks of ``ShortRows``. (SIMD8's generic `pointwiseMax` is not specialized: a
/// call per chunk.)
extension ShiftedTapConvolution {
    /// One zeroed buffer of `channels` padded planes per worker. The pad functions write only the
    /// interiors, so the borders stay zero for every image.
    func makeZeroedPlanes(channels: Int, workers: Int) -> [TensorStorage] {
        (0..<workers).map { _ in TensorStorage(repeating: 0, count: channels * paddedPlane) }
    }

    /// Copies `channels` planes [H, W] into the interiors of as many padded planes, as max(x, 0)
    /// when `relu`.
    func pad(_ planes: UnsafePointer<Float>, channels: Int, relu: Bool, into padded: UnsafeMutablePointer<Float>) {
        forEachRow(channels: channels, padded: padded, planes: planes) { padded, plane, _ in
            if relu {
                for t in 0..<geometry.inputWidth { padded[t] = plane[t] > 0 ? plane[t] : 0 }
            } else {
                ShortRows.copy(plane, to: padded, count: geometry.inputWidth)
            }
        }
    }

    /// Copies `channels` planes [H, W] into the interiors of as many padded planes, adding each
    /// plane's sum to `sums[channel]` when given (the bias gradient of the upstream gradient).
    func pad(_ planes: UnsafePointer<Float>, channels: Int, summingInto sums: UnsafeMutablePointer<Float>?,
             into padded: UnsafeMutablePointer<Float>) {
        guard let sums else { return pad(planes, channels: channels, relu: false, into: padded) }
        let width = geometry.inputWidth
        for channel in 0..<channels {
            var total = SIMD8<Float>(), tail: Float = 0
            forEachRow(channels: 1, padded: padded + channel * paddedPlane, planes: planes + channel * geometry.inputPlane) { padded, plane, _ in
                var offset = 0
                while offset + 8 <= width {
                    let values = ShortRows.load8(plane, offset)
                    ShortRows.store8(values, padded, offset)
                    total += values
                    offset += 8
                }
                while offset < width {
                    padded[offset] = plane[offset]
                    tail += plane[offset]
                    offset += 1
                }
            }
            sums[channel] += total.sum() + tail
        }
    }

    /// Copies the interiors of `channels` padded planes into planes [H, W], adding `bias[c]` to
    /// plane c and the planes `residual` ([channels, H, W]) when given.
    func unpad(_ padded: UnsafePointer<Float>, channels: Int, bias: UnsafePointer<Float>?, adding residual: UnsafePointer<Float>?,
               into planes: UnsafeMutablePointer<Float>) {
        let width = geometry.inputWidth
        forEachRow(channels: channels, padded: padded, planes: planes) { padded, plane, channel in
            let shift = bias?[channel] ?? 0
            if let residual {
                let other = residual + (plane - planes)
                ShortRows.write(count: width, into: plane) { ShortRows.load8(padded, $0) + ShortRows.load8(other, $0) + shift } scalar: {
                    padded[$0] + other[$0] + shift
                }
            } else if bias != nil {
                ShortRows.copy(padded, adding: shift, to: plane, count: width)
            } else {
                ShortRows.copy(padded, to: plane, count: width)
            }
        }
    }

    /// The input gradient from the interiors of `channels` padded planes dXp: dXp where `input`
    /// (the op's input, [channels, H, W]) is positive, else 0, when `input` is given (the VJP of
    /// the fused ReLU), plus `upstream` ([channels, H, W]) when given (the residual's gradient).
    func unpadGradient(_ padded: UnsafePointer<Float>, channels: Int, reluOf input: UnsafePointer<Float>?,
                       adding upstream: UnsafePointer<Float>?, into planes: UnsafeMutablePointer<Float>) {
        guard input != nil || upstream != nil else { return unpad(padded, channels: channels, bias: nil, adding: nil, into: planes) }
        let width = geometry.inputWidth
        forEachRow(channels: channels, padded: padded, planes: planes) { padded, plane, _ in
            let offset = plane - planes
            switch (input.map { $0 + offset }, upstream.map { $0 + offset }) {
            case let (input?, upstream?):
                // Every value loaded before the select: a load under the condition keeps the loop scalar.
                for t in 0..<width {
                    let (kept, x, u) = (padded[t], input[t], upstream[t])
                    plane[t] = (x > 0 ? kept : 0) + u
                }
            case let (input?, nil):
                for t in 0..<width {
                    let (kept, x) = (padded[t], input[t])
                    plane[t] = x > 0 ? kept : 0
                }
            case let (nil, upstream?):
                ShortRows.write(count: width, into: plane) { ShortRows.load8(padded, $0) + ShortRows.load8(upstream, $0) } scalar: {
                    padded[$0] + upstream[$0]
                }
            case (nil, nil):
                ShortRows.copy(padded, to: plane, count: width)
            }
        }
    }

    // MARK: Rows

    /// Calls `body(paddedRow, planeRow, channel)` for every row of `channels` planes, with the
    /// padded row's interior (W floats at ``runStart`` + r·Wp) and the plane's row r.
    @inline(__always)
    private func forEachRow<Padded, Plane>(channels: Int, padded: Padded, planes: Plane,
                                           _ body: (Padded, Plane, Int) -> Void) where Padded: Strideable<Int>, Plane: Strideable<Int> {
        let (height, width) = (geometry.inputHeight, geometry.inputWidth)
        for channel in 0..<channels {
            var paddedRow = padded.advanced(by: channel * paddedPlane + runStart)
            var planeRow = planes.advanced(by: channel * height * width)
            for _ in 0..<height {
                body(paddedRow, planeRow, channel)
                paddedRow = paddedRow.advanced(by: paddedWidth)
                planeRow = planeRow.advanced(by: width)
            }
        }
    }
}
