/// Checks that an image of `width × height` with `channels` samples per pixel can be written as
/// PNG and that `pixelCount` samples fill it exactly. Shared by `GrayImage` and `RGBImage` so
/// that neither can hold pixels the encoder would misread.
func validateImage(width: Int, height: Int, channels: Int, pixelCount: Int) throws(ImageError) {
    // PNG stores each dimension as a 4-byte integer limited to 2^31 - 1.
    let limit = Int(Int32.max)
    guard (1...limit).contains(width), (1...limit).contains(height) else {
        throw .invalidSize(width: width, height: height)
    }
    let (area, overflow1) = width.multipliedReportingOverflow(by: height)
    let (samples, overflow2) = area.multipliedReportingOverflow(by: channels)
    guard !overflow1, !overflow2, samples == pixelCount else {
        throw .pixelCountMismatch(width: width, height: height, channels: channels, found: pixelCount)
    }
}
