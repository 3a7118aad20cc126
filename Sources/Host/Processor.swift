import Foundation

/// The CPU this process runs on, as Linux describes it: what decides which kernels OpenVINO picks, and so
/// which model and precision are fastest here.
public struct Processor: Sendable, Equatable, Codable {
    /// `model name` from /proc/cpuinfo ("AMD EPYC ...", "Intel(R) Xeon(R) ...").
    public var model: String
    /// The flags that matter for inference: AVX-512, its BF16 and VNNI extensions, AMX.
    public var flags: [String]
    /// Logical CPUs this process may use.
    public var cpus: Int

    public static let relevantFlags = [
        "avx2", "avx512f", "avx512_bf16", "avx512_vnni", "avx_vnni", "amx_tile", "amx_bf16", "amx_int8",
    ]

    public init(model: String, flags: [String], cpus: Int) {
        self.model = model
        self.flags = flags
        self.cpus = cpus
    }

    /// The processor of this machine (an "unknown" model where /proc/cpuinfo cannot be read).
    public static func current() -> Processor {
        var model = "unknown"
        var flags: Set<String> = []
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                if parts[0] == "model name" && model == "unknown" { model = parts[1] }
                if parts[0] == "flags" && flags.isEmpty { flags = Set(parts[1].split(separator: " ").map(String.init)) }
            }
        }
        return Processor(
            model: model, flags: relevantFlags.filter(flags.contains),
            cpus: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// "AMD EPYC ..., 2 CPUs, avx512f avx512_bf16 avx512_vnni".
    public var summary: String {
        "\(model), \(cpus) CPUs, " + (flags.isEmpty ? "no AVX-512 or AMX" : flags.joined(separator: " "))
    }
}
