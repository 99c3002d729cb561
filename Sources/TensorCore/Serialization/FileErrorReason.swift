import Foundation

/// One readable reason for a failed file operation, in the system's own words ("No space left on
/// device", "Permission denied") where Foundation wraps them in an NSError whose description would
/// otherwise read "NSCocoaErrorDomain error 512". No trailing full stop, so it fits in a sentence.
public enum FileErrorReason {
    public static func describe(_ error: Error) -> String {
        let nsError = error as NSError
        let posix = [nsError, nsError.userInfo[NSUnderlyingErrorKey] as? NSError].compactMap { $0 }
            .first { $0.domain == NSPOSIXErrorDomain }
        let text = posix.map { String(cString: strerror(Int32($0.code))) }
            ?? nsError.localizedFailureReason ?? nsError.localizedDescription
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }
}
