import Foundation

/// What /proc/cpuinfo says about the CPU: its model and the instruction sets the kernels care about.
public enum CPUInfo {
    /// The model name of the first CPU, e.g. "AMD EPYC 9R14"; "unknown" where /proc/cpuinfo has none.
    public static let modelName: String = field("model name") ?? "unknown"

    /// The CPU's feature flags, e.g. "avx2", "avx512f", "avx512_bf16".
    public static let flags: Set<String> = Set((field("flags") ?? "").split(separator: " ").map(String.init))

    /// The vector and matrix instruction sets among ``flags`` that decide which kernels can run,
    /// from oldest to newest.
    public static var instructionSets: [String] {
        ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vnni", "avx512_bf16",
         "avx512_fp16", "amx_tile", "amx_bf16"].filter(flags.contains)
    }

    /// The value of the first line of /proc/cpuinfo that starts with `key`.
    private static func field(_ key: String) -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
