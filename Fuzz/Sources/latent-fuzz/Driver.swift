import Foundation
import FuzzTargets

/// libFuzzer's driver, linked in by `-sanitize=fuzzer`: runs the fuzzing loop with libFuzzer's
/// command-line flags (-runs, -max_total_time, corpus folders, …) over `callback`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The parser under test, chosen by `LATENT_FUZZ_TARGET` (one of ``FuzzTargets/all``).
nonisolated(unsafe) let target: (Data) -> Void = {
    let name = ProcessInfo.processInfo.environment["LATENT_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("latent-fuzz: set LATENT_FUZZ_TARGET to one of \(FuzzTargets.all.keys.sorted().joined(separator: ", ")).\n".utf8))
        exit(2)
    }
    return target
}()

/// The program's entry point, under the name SwiftPM gives an executable's main.
@_cdecl("latent_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    _ = target
    var count = argc, arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { start, length in
        target(start.map { Data(bytes: $0, count: length) } ?? Data())
        return 0
    }
}
